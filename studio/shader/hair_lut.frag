#version 300 es
// Hair LUT Studio: recolour hair with a preset's two neighbouring anchor LUTs, blended by u_t and
// composited by the hair mask. Same arithmetic as studio.runtime.Recolorizer (trilinear LUT lookup,
// linear blend of the two LUTs, soft-mask mix); see README.md beside this file for the uniforms,
// the texture set-up it relies on and how to compute u_t.

precision highp float;
precision highp sampler2D;  // the ES default for samplers in fragment shaders is lowp

uniform sampler2D u_frame;    // camera frame; sRGB-encoded values read as they are (no sRGB decode)
uniform sampler2D u_mask;     // hair mask in .r, 0 = not hair, 1 = hair (same uv as the frame)
uniform sampler2D u_lut_low;  // strip LUT of the lower anchor: N*N x N, x = r + N*b, y = g; LINEAR, CLAMP_TO_EDGE
uniform sampler2D u_lut_high; // strip LUT of the upper anchor, same size and set-up
uniform float u_lut_size;     // N, grid points per axis (17, 33 or 65 for presets; 16 or 32 for strip16/strip32)
uniform float u_t;            // [0, 1]: weight of u_lut_high (0 = lower anchor's look, 1 = upper anchor's)

in vec2 v_uv;
out vec4 o_color;

// Trilinear lookup in a strip: hardware bilinear filtering inside the two blue slices around the colour
// (red and green), then a lerp between the slices. Texel centres: grid point (r, g) of slice b sits at
// x = r + 0.5 + N*b, y = g + 0.5, so an exact grid colour reads exactly one texel, never the next slice.
// textureLod(..., 0.0) reads the full-resolution LUT even where the engine built mipmaps for it (many do by
// default): texture() would pick a blurred level from the strip's screen-space derivatives, which jump
// between neighbouring pixels whose colours fall into different slices.
vec3 lookup(sampler2D lut, vec2 uvLower, vec2 uvUpper, float blueFraction) {
    return mix(textureLod(lut, uvLower, 0.0).rgb, textureLod(lut, uvUpper, 0.0).rgb, blueFraction);
}

void main() {
    vec4 frame = texture(u_frame, v_uv);
    vec3 rgb = clamp(frame.rgb, 0.0, 1.0);
    float n = u_lut_size;
    vec3 cell = rgb * (n - 1.0);                  // grid coordinates in [0, N - 1]
    float slice = min(floor(cell.b), n - 2.0);    // lower blue slice; white uses slices N-2 and N-1
    float blueFraction = cell.b - slice;
    vec2 uvLower = vec2((cell.r + 0.5 + slice * n) / (n * n), (cell.g + 0.5) / n);
    vec2 uvUpper = uvLower + vec2(1.0 / n, 0.0);  // the next slice is N texels to the right
    vec3 low = lookup(u_lut_low, uvLower, uvUpper, blueFraction);
    vec3 high = lookup(u_lut_high, uvLower, uvUpper, blueFraction);
    vec3 graded = mix(low, high, u_t);
    float hair = clamp(texture(u_mask, v_uv).r, 0.0, 1.0);
    o_color = vec4(mix(rgb, graded, hair), frame.a);
}
