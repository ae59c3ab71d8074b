const NS = 'http://www.w3.org/2000/svg'

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  el.append(...children)
  return el
}

/** 0.37 → 0.5, 7 → 10: a round top for the y axis so its labels read well. */
function niceCeil(value) {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 2.5, 5, 10].find((s) => s * power >= value) ?? 10
  return step * power
}

const clockTime = (ms) => {
  const d = new Date(ms)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/**
 * A line chart drawn by hand in SVG: one polyline and one point per bucket for each series, time on x,
 * value on y. `series` is `[{name, color, points: [{x: epochMs, y}]}]`; the SVG scales to its box.
 */
export function lineChart({ series, xMin, xMax, label, width = 800, height = 260 }) {
  const pad = { left: 44, right: 12, top: 12, bottom: 28 }
  const plotW = width - pad.left - pad.right
  const plotH = height - pad.top - pad.bottom
  const yMax = niceCeil(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.y))))
  const sx = (x) => pad.left + ((x - xMin) / Math.max(1, xMax - xMin)) * plotW
  const sy = (y) => pad.top + plotH - (y / yMax) * plotH

  const grid = svg('g', { class: 'grid' })
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4
    grid.append(
      svg('line', { x1: pad.left, x2: width - pad.right, y1: sy(y), y2: sy(y) }),
      svg('text', { x: pad.left - 6, y: sy(y) + 4, 'text-anchor': 'end' }, String(+y.toFixed(2))),
    )
  }
  for (let i = 0; i <= 5; i++) {
    const x = xMin + ((xMax - xMin) * i) / 5
    const anchor = i === 0 ? 'start' : i === 5 ? 'end' : 'middle'
    grid.append(svg('text', { x: sx(x), y: height - 8, 'text-anchor': anchor }, clockTime(x)))
  }

  const lines = series.map((s) =>
    svg(
      'g',
      { class: 'series', 'data-series': s.name },
      svg('polyline', {
        fill: 'none',
        stroke: s.color,
        'stroke-width': 2,
        points: s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' '),
      }),
      ...s.points.map((p) =>
        svg(
          'circle',
          { cx: sx(p.x).toFixed(1), cy: sy(p.y).toFixed(1), r: p.y > 0 ? 3 : 1.5, fill: s.color, 'data-value': p.y },
          svg('title', {}, `${s.name}: ${+p.y.toFixed(3)}/s at ${clockTime(p.x)}`),
        ),
      ),
    ),
  )
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': label,
      class: 'chart',
    },
    svg('title', {}, label),
    grid,
    ...lines,
  )
}
