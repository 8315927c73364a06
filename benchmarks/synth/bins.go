package main

import (
	"fmt"
	"math"
	"strconv"
)

// codeBins places a code in the per-code bins README.md defines.
func codeBins(c *placed) map[string]string {
	b := map[string]string{
		"symbology":   c.sym.Symbology,
		"module":      moduleBin(c.module),
		"rotation":    rotationBin(c.pose.Angle),
		"perspective": perspectiveBin(c.persp),
		"curvature":   yesNo(c.pose.Arc > 0, "mild", "none"),
		"blur":        blurBin(c.blur),
		"noise":       yesNo(c.noise > 0, "noise", "none"),
		"contrast":    contrastBin(c.contrast),
		"colour":      yesNo(c.coloured, "colour", "grey"),
		"inverted":    yesNo(c.lab.inverted, "yes", "no"),
		"logo":        yesNo(c.logo, "logo", "none"),
		"card":        yesNo(c.card, "card", "none"),
		"occlusion":   yesNo(c.occluded, "occluded", "none"),
		"quiet_zone":  yesNo(c.noQuiet, "none", "yes"),
		"glare":       yesNo(c.glare, "glare", "none"),
	}
	switch c.sym.Symbology {
	case symQR:
		b["mirrored"] = yesNo(c.pose.Mirrored, "yes", "no")
		b["ec"] = c.sym.EC
		v, _ := strconv.Atoi(c.sym.Version)
		b["version"] = versionBin(v)
	case symDM:
		b["version"] = yesNo(c.sym.Rect, "rectangular", "square")
	}
	return b
}

func yesNo(v bool, yes, no string) string {
	if v {
		return yes
	}
	return no
}

func moduleBin(px float64) string {
	switch {
	case px < 2.5:
		return "<2.5"
	case px < 4:
		return "2.5-4"
	}
	return ">=4"
}

// rotationBin: "axis" within 5° of a multiple of 90°.
func rotationBin(angle float64) string {
	deg := math.Mod(angle*180/math.Pi, 90)
	if deg < 0 {
		deg += 90
	}
	if deg <= 5 || deg >= 85 {
		return "axis"
	}
	return "other"
}

func perspectiveBin(p float64) string {
	switch {
	case p < 0.1:
		return "<0.1"
	case p < 0.2:
		return "0.1-0.2"
	}
	return ">=0.2"
}

func blurBin(sigma float64) string {
	switch {
	case sigma == 0:
		return "none"
	case sigma <= 1:
		return "<=1"
	}
	return ">1"
}

func contrastBin(c float64) string {
	switch {
	case c < 0.4:
		return "<0.4"
	case c < 0.7:
		return "0.4-0.7"
	}
	return ">=0.7"
}

func versionBin(v int) string {
	switch {
	case v <= 3:
		return "1-3"
	case v <= 6:
		return "4-6"
	}
	return "7-15"
}

// codeTags are the corpus-style tags of one code.
func codeTags(c *placed) []string {
	var t []string
	switch c.sym.Symbology {
	case symQR:
		t = append(t, "ec:"+c.sym.EC, "qr-version:"+c.sym.Version)
	case symDM:
		t = append(t, "datamatrix", "dm-size:"+c.sym.Version)
	case symEAN13:
		t = append(t, "ean13")
	}
	add := func(cond bool, tag string) {
		if cond {
			t = append(t, tag)
		}
	}
	add(c.logo, "logo")
	add(c.card, "card")
	add(c.noQuiet, "no-quiet-zone")
	add(c.occluded, "occluded")
	add(c.lab.inverted, "inverted")
	add(c.coloured, "coloured")
	add(c.contrast < 0.5, "low-contrast")
	add(c.pose.Mirrored, "mirrored")
	t = append(t, fmt.Sprintf("module:%.1f", c.module))
	add(c.persp >= 0.01, fmt.Sprintf("perspective:%.2f", c.persp))
	deg := math.Mod(c.pose.Angle*180/math.Pi+360, 360)
	add(math.Round(deg) != 0 && math.Round(deg) != 360, fmt.Sprintf("rot:%.0f", deg))
	add(c.pose.Arc > 0, "curved")
	add(c.blur > 0, fmt.Sprintf("blur:%.1f", c.blur))
	add(c.noise > 0, "noise")
	add(c.glare, "glare")
	return t
}
