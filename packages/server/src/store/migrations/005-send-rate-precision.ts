/**
 * The send-rate GCRA keeps its theoretical arrival time to a fraction of a millisecond: at 100 sends/s with a
 * 5 % margin the emission interval is 10.5 ms, and a whole-ms column rounded it up to 11 ms (a 90.9/s ceiling).
 */
export const sql = `
ALTER TABLE send_rate_state ALTER COLUMN tat_ms TYPE double precision USING tat_ms::double precision;
`;
