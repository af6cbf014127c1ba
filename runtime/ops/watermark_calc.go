package ops

// ProcessWatermark records the Calc's watermark for CURRENT_WATERMARK();
// the runtime forwards the watermark itself.
func (c *Calc) ProcessWatermark(ts int64, _ Collector) error {
	if c.eval != nil {
		c.eval.Watermark, c.eval.HasWatermark = ts, true
	}
	return nil
}
