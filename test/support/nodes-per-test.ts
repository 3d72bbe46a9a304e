import { NodeProcess, stopAll, tempDir } from './node-process';

/**
 * For a describe block whose tests start nodes: each test gets a fresh temporary
 * directory, and every node it started is killed (and reaped) after it, pass or fail.
 */
export function nodesPerTest() {
  const running: NodeProcess[] = [];
  const scope = { dir: '' };
  let temp: ReturnType<typeof tempDir> | undefined;
  beforeEach(() => {
    temp = tempDir();
    scope.dir = temp.dir;
  });
  afterEach(async () => {
    await stopAll(running.splice(0));
    temp?.remove();
  });
  const start = (args: string[], options: ConstructorParameters<typeof NodeProcess>[1] = {}): NodeProcess => {
    const node = new NodeProcess(args, options);
    running.push(node);
    return node;
  };
  return { start, temp: scope };
}
