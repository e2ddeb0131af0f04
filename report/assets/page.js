(function () {
  "use strict";
  // Each chart's options are a JSON data block beside its element.
  var charts = {};
  document.querySelectorAll(".plot").forEach(function (el) {
    var options = JSON.parse(document.getElementById(el.id + "-options").textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(options);
    if (el.dataset.time === "true") {
      chart.group = "time"; // one elapsed-time axis: zoom and tooltips move together
    }
    charts[el.id] = chart;
  });
  echarts.connect("time");
  document.querySelectorAll("button.log").forEach(function (button) {
    button.addEventListener("click", function () {
      var log = button.classList.toggle("on");
      charts[button.dataset.chart].setOption({ yAxis: { type: log ? "log" : "value" } });
    });
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
  document.body.dataset.ready = "true"; // every chart is drawn (tests wait for this)
})();
