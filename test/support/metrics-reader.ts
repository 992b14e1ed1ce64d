/**
 * A metric of a control plane (`GET /metrics`): the sum of its samples that carry `labels`,
 * e.g. `metricValue(url, 'warden_watches_open', { org })` for one org, or without labels for
 * all of them; 0 when there is no such sample (a gauge with labels drops a label set that went
 * back to nothing).
 */
export async function metricValue(baseUrl: string, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const [series, value] = line.split(/ (?=[^ ]+$)/);
    if (wanted.every((pair) => series!.includes(pair))) sum += Number(value);
  }
  return sum;
}

/** Whether the metrics of a control plane name the metric at all (its HELP line). */
export async function hasMetric(baseUrl: string, name: string): Promise<boolean> {
  return (await (await fetch(`${baseUrl}/metrics`)).text()).includes(`# HELP ${name} `);
}
