/* A small map of one forum's, meeting's or coordinator's areas, and the
 * drawing of a custom area on it. Its data comes from a json_script block
 * (the CSP allows no inline script): outlines as GeoJSON, an optional
 * point, and, on the drawing page, the id of the field that holds the
 * drawn boundary as GeoJSON. The field stays a plain textarea, so a
 * boundary can be pasted by anyone who cannot draw with a pointer. */
(function () {
  "use strict";
  var node = document.getElementById("piiri-area-map-config");
  var container = document.querySelector("[data-piiri-area-map]");
  if (!node || !container || !window.L) return;
  var config = JSON.parse(node.textContent);
  var map = L.map(container, { scrollWheelZoom: false });
  if (config.basemap && config.basemap.url) {
    L.tileLayer(config.basemap.url, { attribution: config.basemap.attribution, maxZoom: 19 }).addTo(map);
  } else {
    container.classList.add("no-basemap");
  }
  var outlines = L.geoJSON(config.areas || [], {
    style: { color: "#0b4f9c", weight: 2, fillColor: "#0b4f9c", fillOpacity: 0.08 },
    interactive: false
  }).addTo(map);
  var bounds = outlines.getBounds();
  if (config.point) {
    var at = [config.point[1], config.point[0]];
    L.circleMarker(at, {
      radius: 8, weight: 2, color: "#ffffff", fillColor: "#b3001b", fillOpacity: 1, interactive: false
    }).addTo(map);
    if (!bounds.isValid()) map.setView(at, 15);
  }
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
  else if (!config.point) map.setView([60.1699, 24.9384], 11);
  if (config.draw) draw(map, config.draw);
  container.setAttribute("data-ready", "true");

  function draw(map, options) {
    var field = document.getElementById(options.field);
    if (!field || !map.pm) return;
    var drawn = null;
    map.pm.setLang(options.language);
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
      drawCircle: false, drawText: false, drawRectangle: true, drawPolygon: true,
      editMode: true, dragMode: false, cutPolygon: false, removalMode: true, rotateMode: false
    });
    // Geoman's toolbar links carry their name only in the parent's title.
    container.querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
      var title = button.parentNode.getAttribute("title");
      if (title) button.setAttribute("aria-label", title);
    });
    function write() {
      field.value = drawn ? JSON.stringify(drawn.toGeoJSON().geometry) : "";
    }
    function keep(layer) {
      if (drawn) map.removeLayer(drawn);
      drawn = layer;
      drawn.on("pm:edit", write);
      write();
    }
    function readField() {
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      if (!field.value.trim()) return;
      try {
        var layers = L.geoJSON(JSON.parse(field.value)).getLayers();
        if (!layers.length) return;
        drawn = layers[0].addTo(map);
        drawn.on("pm:edit", write);
        map.fitBounds(drawn.getBounds(), { padding: [10, 10] });
      } catch (error) {
        // Not GeoJSON: the server says what is wrong when it is sent.
      }
    }
    map.on("pm:create", function (event) { keep(event.layer); });
    map.on("pm:remove", function (event) {
      if (event.layer === drawn) { drawn = null; write(); }
    });
    field.addEventListener("change", readField);
    var start = document.querySelector("[data-piiri-draw-start]");
    if (start) start.addEventListener("click", function () { map.pm.enableDraw("Polygon"); });
    readField();
  }
})();
