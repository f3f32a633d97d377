package main

import (
	"fmt"
	"math"
	"strings"
)

// scaleChart draws BenchmarkScale's curves as an SVG: four panels over the
// number of articles (log scale), each with one or two series. Plain SVG,
// so the benchmark needs no plotting library.
func scaleChart(points []scalePoint) string {
	type series struct {
		name  string
		color string
		y     func(scalePoint) float64
	}
	panels := []struct {
		title  string
		series []series
	}{
		{"index time (s)", []series{
			{"full", "#1f77b4", func(p scalePoint) float64 { return p.index.Seconds() }},
			{"one file changed", "#ff7f0e", func(p scalePoint) float64 { return p.incremental.Seconds() }}}},
		{"peak RSS (MiB)", []series{
			{"indexing", "#1f77b4", func(p scalePoint) float64 { return p.indexRSS }},
			{"serving", "#ff7f0e", func(p scalePoint) float64 { return p.serveRSS }}}},
		{"index on disk (MiB)", []series{
			{"size", "#1f77b4", func(p scalePoint) float64 { return p.diskMB }}}},
		{"search latency (ms)", []series{
			{"p50", "#1f77b4", func(p scalePoint) float64 { return ms(p.p50) }},
			{"p99", "#ff7f0e", func(p scalePoint) float64 { return ms(p.p99) }}}},
	}
	const pw, ph, ml, mt, mb, mr = 360, 220, 55, 30, 40, 30
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", 2*pw, 2*ph)
	fmt.Fprintf(&sb, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	lx := func(n int) float64 { return math.Log10(float64(n)) }
	x0, x1 := lx(points[0].n), lx(points[len(points)-1].n)
	if x1 == x0 {
		x1 = x0 + 1
	}
	for i, pan := range panels {
		ox, oy := float64((i%2)*pw), float64((i/2)*ph)
		w, h := float64(pw-ml-mr), float64(ph-mt-mb)
		ymax := 0.0
		for _, se := range pan.series {
			for _, p := range points {
				ymax = math.Max(ymax, se.y(p))
			}
		}
		ymax = math.Max(ymax*1.1, 1e-9)
		px := func(n int) float64 { return ox + ml + (lx(n)-x0)/(x1-x0)*w }
		py := func(v float64) float64 { return oy + mt + h - v/ymax*h }
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" font-weight="bold">%s</text>`+"\n", ox+ml, oy+18, pan.title)
		fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`+"\n", ox+ml, oy+mt, w, h)
		for k := 0; k <= 4; k++ {
			v := ymax * float64(k) / 4
			fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" text-anchor="end">%s</text>`+"\n", ox+ml-4, py(v)+4, trimFloat(v))
		}
		for _, p := range points {
			fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" text-anchor="middle">%d</text>`+"\n", px(p.n), oy+mt+h+14, p.n)
		}
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" text-anchor="middle">articles</text>`+"\n", ox+ml+w/2, oy+mt+h+30)
		for j, se := range pan.series {
			var pts []string
			for _, p := range points {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p.n), py(se.y(p))))
				fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(p.n), py(se.y(p)), se.color)
			}
			fmt.Fprintf(&sb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), se.color)
			fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" fill="%s">%s</text>`+"\n", ox+ml+8, oy+mt+14+float64(j)*13, se.color, se.name)
		}
	}
	sb.WriteString("</svg>\n")
	return sb.String()
}

func trimFloat(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
