// page.js draws the report's charts. The chart options come from the JSON
// document in the element #concbench-charts; nothing in them is code.
(function () {
  'use strict';
  // errorBar draws one interval whisker of a custom series whose data
  // items are [x, lo, hi].
  function errorBar(params, api) {
    var x = api.value(0);
    var lo = api.coord([x, api.value(1)]);
    var hi = api.coord([x, api.value(2)]);
    var w = 5;
    var style = { stroke: api.visual('color'), lineWidth: 1.5, fill: null };
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
        { type: 'line', shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style: style },
        { type: 'line', shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style: style }
      ]
    };
  }
  // band returns the drawing of a custom series whose items are [x, lo,
  // hi], ascending in x, and whose id starts with "band:": one polygon
  // between lo and hi, drawn with the first item, such as the interval
  // band of a projected curve.
  function band(data) {
    return function (params, api) {
      if (params.dataIndex !== 0) {
        return null;
      }
      var lower = [], upper = [];
      data.forEach(function (d) {
        lower.push(api.coord([d.value[0], d.value[1]]));
        upper.unshift(api.coord([d.value[0], d.value[2]]));
      });
      return {
        type: 'polygon',
        silent: true,
        shape: { points: lower.concat(upper) },
        style: { fill: api.visual('color'), opacity: 0.12, stroke: null }
      };
    };
  }
  var charts = JSON.parse(document.getElementById('concbench-charts').textContent);
  var drawn = [];
  charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) {
      throw new Error('concbench: no element for chart ' + c.id);
    }
    var o = c.options;
    o.animation = false;
    // Tooltips are drawn on the canvas, never as HTML.
    o.tooltip = Object.assign({}, o.tooltip || {}, { renderMode: 'richText' });
    (o.series || []).forEach(function (s) {
      if (s.type === 'custom') {
        s.renderItem = String(s.id).indexOf('band:') === 0 ? band(s.data) : errorBar;
      }
    });
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(o);
    drawn.push(chart);
  });
  window.addEventListener('resize', function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
})();
