package report

import (
	_ "embed"
	"strings"
	"sync"
)

// echartsJS is dist/echarts.min.js of the echarts release go-echarts expects;
// assets/refresh.sh refreshes it from the npm registry.
//
//go:embed assets/echarts.min.js
var echartsJS string

// echartsVersion is the version of echartsJS.
//
//go:embed assets/VERSION
var echartsVersion string

//go:embed assets/page.js
var pageJS string

//go:embed assets/page.css
var pageCSS string

// scriptText returns s as the browser will see it inside a script element:
// the HTML parser turns CR LF and CR into LF before the Content-Security-
// Policy hash is checked, and echarts.min.js has CR LF line ends.
func scriptText(s string) string {
	return strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
}

// inlineScripts returns the page's two scripts, ready to inline, and the
// Content-Security-Policy that allows exactly them.
var inlineScripts = sync.OnceValues(func() ([2]string, string) {
	scripts := [2]string{scriptText(echartsJS), scriptText(pageJS)}
	return scripts, contentSecurityPolicy(scripts[0], scripts[1])
})
