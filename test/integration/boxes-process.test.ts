import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeProcess, freeTcpPort, readIfThere, runCli, stopAll, tempDir } from '../support/node-process';
import { until } from '../support/until';

/** A JSON request to the node's API on loopback, as the page sends it (same origin: no Origin header). */
async function api(port: number, method: string, route: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

describe('a node with two boxes and people, as a process', () => {
  const temp = tempDir();
  const nodes: NodeProcess[] = [];
  afterAll(async () => {
    await stopAll(nodes);
    temp.remove();
  });

  it('exits 2 with the reason for a bad box name, and for a box that is not the first of boxes', async () => {
    const bad = await runCli(['run', '--hardware', 'sim', '--no-mdns', '--box', 'up/stairs']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"up/stairs" holds a character other than letters, digits, space and -');
    const apart = await runCli([
      'run',
      '--hardware',
      'sim',
      '--no-mdns',
      '--box',
      'upstairs',
      '--boxes',
      'basement,upstairs',
    ]);
    expect(apart.status).toBe(2);
    expect(apart.stderr).toContain('is not the first of --boxes');
  });

  it('records a cleaning of each box with who cleaned, refuses unknown ones, and takes one back within the window', async () => {
    const port = freeTcpPort();
    const node = new NodeProcess([
      '--state-file',
      path.join(temp.dir, 'state'),
      '--http-port',
      String(port),
      '--boxes',
      'upstairs,basement',
      '--people',
      'Anna,Ben',
    ]);
    nodes.push(node);
    await node.waitFor((record) => record.event === 'http.listening', 'the page server');
    expect((await api(port, 'POST', '/api/cleaned', { box: 'attic' })).status).toBe(400);
    expect((await api(port, 'POST', '/api/cleaned', { by: 'Carl' })).status).toBe(400);
    expect((await api(port, 'POST', '/api/cleaned', { box: 'basement', by: 'Anna' })).status).toBe(200);
    const boxes = (await api(port, 'GET', '/api/boxes')).json as {
      box: string;
      by: string | null;
      lastCleaned: string | null;
      undoUntil: string | null;
    }[];
    expect(boxes.map((box) => [box.box, box.by])).toEqual([
      ['upstairs', null],
      ['basement', 'Anna'],
    ]);
    const at = boxes[1].lastCleaned;
    expect(boxes[1].undoUntil).not.toBeNull();
    // Strip segments: 5 LEDs each, the led record says each box's colour.
    await node.waitFor(
      (record) => record.event === 'led' && Array.isArray(record.segments),
      'the led record with segments',
    );
    const undone = await api(port, 'POST', '/api/cleaned/undo', { at, box: 'basement' });
    expect(undone.status).toBe(200);
    expect((undone.json as { box: string; lastCleaned: string | null }[])[1]).toMatchObject({
      box: 'basement',
      lastCleaned: null,
    });
    const again = await api(port, 'POST', '/api/cleaned/undo', { at, box: 'basement' });
    expect(again).toEqual({ status: 409, json: expect.objectContaining({ reason: 'withdrawn' }) });
    const history = (await api(port, 'GET', '/api/history?box=basement')).json as { withdrawn?: unknown }[];
    expect(history).toEqual([expect.objectContaining({ box: 'basement', by: 'Anna', withdrawn: expect.anything() })]);
    // The default box's exchange, for an earlier node, holds none of it.
    expect((await api(port, 'GET', `/api/history?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`)).json).toEqual([]);

    // The node's own box: its only cleaning taken back, the state file goes, and no time is known.
    const pressed = await api(port, 'POST', '/api/cleaned', {});
    expect(pressed.status).toBe(200);
    const own = (pressed.json as { lastCleaned: string }).lastCleaned;
    // A save is logged at debug level: the file itself says when it is there.
    await until(() => readIfThere(path.join(temp.dir, 'state')) === own, 'the press in the state file');
    expect((await api(port, 'POST', '/api/cleaned/undo', { at: own, box: 'upstairs' })).status).toBe(200);
    await node.waitFor((record) => record.event === 'state.cleared', 'the state file removed');
    expect(fs.existsSync(path.join(temp.dir, 'state'))).toBe(false);
    expect((await api(port, 'GET', '/api/state')).json).toMatchObject({ lastCleaned: null });
  }, 30_000);
});
