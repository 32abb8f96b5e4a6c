/* The board dashboard's charts (Chart.js, vendored). Data comes from the json_script
   element "dashboard-data"; nothing inline, so the Content-Security-Policy holds. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#0b6e63", "#2f6db5", "#b5562f", "#7a4fb0", "#8a7a00", "#b02f6b"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  // Split a long KPI name into lines of about ``width`` characters (Chart.js draws arrays
  // as multi-line tick labels), so the names stay readable beside narrow bars.
  function wrap(text, width) {
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  function percent(value) {
    return value === null || value === undefined ? "no data" : value.toFixed(0) + "%";
  }

  var trend = document.getElementById("chart-trend");
  if (trend) {
    var datasets = data.trend.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.data,
        borderColor: palette[index % palette.length],
        backgroundColor: palette[index % palette.length],
        spanGaps: true,
        tension: 0.2
      };
    });
    datasets.push({
      label: "Pace of the year",
      data: data.trend.pace,
      borderColor: "#6c757d",
      backgroundColor: "#6c757d",
      borderDash: [6, 4],
      pointRadius: 0
    });
    new Chart(trend, {
      type: "line",
      data: { labels: data.trend.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + percent(c.parsed.y); } } }
        }
      }
    });
  }

  var budget = document.getElementById("chart-budget");
  if (budget) {
    new Chart(budget, {
      type: "bar",
      data: {
        labels: data.budget.labels,
        datasets: [{ label: "Budget ($)", data: data.budget.data, backgroundColor: "#0b6e63" }]
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return "$" + v.toLocaleString(); } } } }
      }
    });
  }

  data.mandates.forEach(function (mandate) {
    var canvas = document.getElementById(mandate.id);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: mandate.kpis.map(function (name) { return wrap(name, 22); }),
        datasets: [
          { label: "Actual (% of target)", data: mandate.actual, backgroundColor: "#0b6e63" },
          { label: "Expected by now", data: mandate.expected, backgroundColor: "#c9d6d4" }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {
          x: { beginAtZero: true, suggestedMax: 100, ticks: { callback: function (v) { return v + "%"; } } },
          y: { ticks: { autoSkip: false, font: { size: 11 } } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: function (c) {
                if (c.datasetIndex === 1) {
                  return "Expected by now: " + percent(c.parsed.x) + " of target";
                }
                var raw = mandate.raw[c.dataIndex];
                var unit = raw.unit === "percent" ? "%" : "";
                var actual = raw.actual === null ? "no data" : raw.actual + unit;
                return "Actual " + actual + " of target " + raw.target + unit + " (" + percent(c.parsed.x) + ")";
              }
            }
          }
        }
      }
    });
  });
}());
