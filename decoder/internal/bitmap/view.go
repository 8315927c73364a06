package bitmap

import "math"

// View is a crop of a pyramid level handed to a reader, with where it sits
// in the original image: image pixel = origin + view pixel × Scale.
type View struct {
	P      Plane
	OX, OY int     // the view's origin in image pixels
	Scale  float64 // image pixels per view pixel
}

// ToImage maps a point of the view to the original image's pixels.
func (v View) ToImage(x, y float64) [2]int {
	return [2]int{int(math.Round(float64(v.OX) + x*v.Scale)), int(math.Round(float64(v.OY) + y*v.Scale))}
}
