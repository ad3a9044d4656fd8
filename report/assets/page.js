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
        s.renderItem = errorBar;
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
