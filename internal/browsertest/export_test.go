package browsertest

// HideChromium makes FindChromium find nothing (unless KUULU_CHROMIUM is set)
// until the returned func is called.
func HideChromium() (restore func()) {
	paths, names := chromiumPaths, chromiumNames
	chromiumPaths, chromiumNames = nil, nil
	return func() { chromiumPaths, chromiumNames = paths, names }
}
