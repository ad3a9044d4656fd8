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
  // bands returns the drawing of a custom series whose id starts with
  // "band:" and whose items are [x, lo, hi, group] (or {value: [x, lo, hi,
  // group], ...}), each group's items together and ascending in x: one
  // polygon between lo and hi per group, drawn with its first item in the
  // item's colour, such as the interval bands of projected curves.
  function bands(data) {
    function value(j) {
      return Array.isArray(data[j]) ? data[j] : data[j].value;
    }
    return function (params, api) {
      var i = params.dataIndex, g = value(i)[3];
      if (i > 0 && value(i - 1)[3] === g) {
        return null;
      }
      var lower = [], upper = [];
      for (var j = i; j < data.length && value(j)[3] === g; j++) {
        var v = value(j);
        lower.push(api.coord([v[0], v[1]]));
        upper.unshift(api.coord([v[0], v[2]]));
      }
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
  function draw(el, c) {
    var o = c.options;
    o.animation = false;
    // Tooltips are drawn on the canvas, never as HTML.
    o.tooltip = Object.assign({}, o.tooltip || {}, { renderMode: 'richText' });
    (o.series || []).forEach(function (s) {
      if (s.type === 'custom') {
        s.renderItem = String(s.id).indexOf('band:') === 0 ? bands(s.data) : errorBar;
      }
    });
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(o);
    drawn.push(chart);
  }
  // A page of many charts draws the first ones at once and each other one
  // as it comes near the screen, so that a large report opens quickly.
  var eager = 30;
  var pending = new Map();
  var observer = charts.length > eager && 'IntersectionObserver' in window ?
    new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting && pending.has(e.target)) {
          observer.unobserve(e.target);
          draw(e.target, pending.get(e.target));
          pending.delete(e.target);
        }
      });
    }, { rootMargin: '400px' }) : null;
  charts.forEach(function (c, i) {
    var el = document.getElementById(c.id);
    if (!el) {
      throw new Error('concbench: no element for chart ' + c.id);
    }
    if (observer && i >= eager) {
      pending.set(el, c);
      observer.observe(el);
    } else {
      draw(el, c);
    }
  });
  window.addEventListener('resize', function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
})();
