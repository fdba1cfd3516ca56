import { Metrics } from '../../../src/http/metrics';

describe('metrics of several threads', () => {
  it("sums the series other threads have and keeps this process's own metrics as they are", async () => {
    const main = new Metrics({ defaultMetrics: true });
    const thread = new Metrics();
    main.messages.inc({ outcome: 'accepted' }, 3);
    main.records.inc({ type: 'Rejection' });
    thread.records.inc({ type: 'OOB' }, 2);
    thread.records.inc({ type: 'Rejection' });
    main.addSource(async () => [await thread.registry.getMetricsAsJSON()]);
    const text = await main.text();
    expect(text).toContain('oobd_messages_total{outcome="accepted"} 3');
    expect(text).toContain('oobd_records_total{type="OOB"} 2');
    expect(text).toContain('oobd_records_total{type="Rejection"} 2');
    // Aggregation would omit this one (prom-client marks it "omit").
    expect(text).toMatch(/^oobd_process_start_time_seconds \d+$/m);
    expect(text.match(/^# TYPE oobd_records_total counter$/gm)).toHaveLength(1);
  });

  it("prints this thread's metrics alone when no other thread answers", async () => {
    const main = new Metrics();
    main.messages.inc({ outcome: 'rejected' });
    main.addSource(async () => []);
    expect(await main.text()).toContain('oobd_messages_total{outcome="rejected"} 1');
  });

  it("reports the reload status of this process only, not summed with the threads' copies", async () => {
    const main = new Metrics();
    const thread = new Metrics();
    main.reloadSuccessful.set(0);
    main.reloadFailures.inc({ files: 'rules' });
    main.addSource(async () => [await thread.registry.getMetricsAsJSON()]);
    const text = await main.text();
    expect(text).toMatch(/^oobd_config_last_reload_successful 0$/m);
    expect(text).toMatch(/^oobd_config_reload_failures_total\{files="rules"\} 1$/m);
    expect(text.match(/^# TYPE oobd_config_last_reload_successful gauge$/gm)).toHaveLength(1);
  });
});
