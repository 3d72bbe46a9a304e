/** A GPIO controller as sysfs or `gpiodetect` lists it. */
export interface GpioChipEntry {
  label: string;
  /** How many lines (GPIOs) it has. */
  lines: number;
  /** Where it stands among the others: its sysfs base, or its gpiochipN number. */
  order: number;
}

// Labels of the SoC's own GPIO controller: Pi 4, Pi 1–3 and Zero, Pi 5.
const SOC_LABELS = ['pinctrl-bcm2711', 'pinctrl-bcm2835', 'pinctrl-rp1'];
// Every Pi exposes at least BCM 0–27 on its header controller; smaller chips are expanders.
const HEADER_GPIOS = 28;

/** The controller of the header's BCM pins: the SoC's by label, else the first big enough. */
export function pickHeaderChip<Chip extends GpioChipEntry>(chips: Chip[]): Chip | undefined {
  return (
    chips.find((chip) => SOC_LABELS.includes(chip.label)) ??
    chips.filter((chip) => chip.lines >= HEADER_GPIOS).sort((a, b) => a.order - b.order)[0]
  );
}
