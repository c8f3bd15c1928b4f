// The budgeting pages' map: pick a proposal's place (click, drag, arrow
// keys or place search), or show a page's items or a round's selected
// plans. Data, URLs and text come from the page (json_script); no rules.
(function () {
  "use strict";
  var source = document.getElementById("budgeting-map-config");
  if (!source) return;
  var config = JSON.parse(source.textContent);
  var text = config.strings;
  var POOL_STYLE = { color: "#1a4f8b", weight: 1.5, fillColor: "#1a4f8b", fillOpacity: 0.04 };
  var STATUS_COLOURS = { planned: "#1a4f8b", in_progress: "#b35900", done: "#1e7b34", "": "#595959" };
  // Arrow keys move the marker this many pixels on screen.
  var STEP = 10;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  function localiseControls(map) {
    [["leaflet-control-zoom-in", text.zoomIn], ["leaflet-control-zoom-out", text.zoomOut]].forEach(function (pair) {
      var button = map.getContainer().querySelector("." + pair[0]);
      if (button) { button.title = pair[1]; button.setAttribute("aria-label", pair[1]); }
    });
  }

  function popupFor(props) {
    var box = el("div", { class: "piiri-popup" }, [el("h2", { text: props.title || format(text.plan, { id: props.source_id || "" }) })]);
    if (props.implementation_status !== undefined) {
      box.appendChild(el("p", { text: config.statuses[props.implementation_status || ""] }));
    }
    if (props.url) box.appendChild(el("a", { href: props.url, class: "popup-link", text: text.open }));
    return box;
  }

  function pointLayer(features, colourOf) {
    return L.geoJSON(features, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 7, weight: 2, color: "#ffffff", fillOpacity: 1, fillColor: colourOf(feature.properties)
        });
      },
      onEachFeature: function (feature, layer) { layer.bindPopup(popupFor(feature.properties)); }
    });
  }

  function Picker(map) {
    this.map = map;
    this.lat = document.getElementById("id_lat");
    this.lon = document.getElementById("id_lon");
    this.status = document.getElementById("pick-status");
    this.marker = null;
    var self = this;
    map.on("click", function (event) { self.place(event.latlng, false); });
    [this.lat, this.lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var lat = parseFloat(self.lat.value), lon = parseFloat(self.lon.value);
        if (!isNaN(lat) && !isNaN(lon)) self.place(L.latLng(lat, lon), true, true);
      });
    });
    if (config.point) this.place(L.latLng(config.point[1], config.point[0]), true);
  }

  Picker.prototype.place = function (latlng, pan, typed) {
    var self = this;
    if (!this.marker) {
      this.marker = L.marker(latlng, {
        draggable: true,
        keyboard: true,
        title: text.marker,
        alt: text.marker,
        icon: L.divIcon({ className: "pick-marker", iconSize: [22, 22], iconAnchor: [11, 11] })
      }).addTo(this.map);
      this.marker.on("dragend", function () { self.place(self.marker.getLatLng(), false); });
      this.marker.on("add", function () { self.keys(); });
      this.keys();
    } else {
      this.marker.setLatLng(latlng);
    }
    if (!typed) {
      this.lat.value = latlng.lat.toFixed(6);
      this.lon.value = latlng.lng.toFixed(6);
    }
    this.status.textContent = format(text.picked, { lat: latlng.lat.toFixed(5), lon: latlng.lng.toFixed(5) });
    if (pan) this.map.setView(latlng, Math.max(this.map.getZoom(), 15), { animate: false });
  };

  // The marker is a focusable element; arrow keys move it like a drag.
  Picker.prototype.keys = function () {
    var self = this, node = this.marker.getElement();
    if (!node || node.dataset.keys) return;
    node.dataset.keys = "1";
    node.addEventListener("keydown", function (event) {
      var moves = { ArrowUp: [0, -STEP], ArrowDown: [0, STEP], ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0] };
      var move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      event.stopPropagation();
      var at = self.map.latLngToContainerPoint(self.marker.getLatLng());
      self.place(self.map.containerPointToLatLng(at.add(move)), false);
    });
  };

  function setupSearch(map, picker) {
    var box = document.querySelector("[data-place-search]");
    if (!box || !config.search) return;
    box.hidden = false;
    var input = document.getElementById("place-query");
    var out = document.getElementById("place-results");
    function find() {
      var query = input.value.trim();
      if (!query) return;
      out.textContent = "";
      picker.status.textContent = text.searching;
      fetch(config.search + "?format=json&q=" + encodeURIComponent(query))
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          picker.status.textContent = answer.places.length ? "" : text.noResults;
          answer.places.forEach(function (place) {
            var b = place.bbox;
            var button = el("button", { type: "button", class: "link-button", text: format(text.choose, { name: place.name }) });
            button.appendChild(el("span", { class: "level", text: " (" + place.level_label + ")" }));
            button.addEventListener("click", function () {
              var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
              map.fitBounds(bounds, { animate: false, maxZoom: 16 });
              picker.place(bounds.getCenter(), false);
              var node = picker.marker.getElement();
              if (node) node.focus();
            });
            out.appendChild(el("li", {}, [button]));
          });
        });
    }
    document.getElementById("place-find").addEventListener("click", find);
    input.addEventListener("keydown", function (event) {
      // Enter finds the place; it must not send the proposal form.
      if (event.key === "Enter") { event.preventDefault(); find(); }
    });
  }

  function ready(map) { map.getContainer().setAttribute("data-ready", "true"); }

  function init(map) {
    map.getContainer().classList.add("piiri-map");
    if (config.basemap && config.basemap.url) {
      L.tileLayer(config.basemap.url, { attribution: config.basemap.attribution, maxZoom: 19 }).addTo(map);
    } else {
      map.getContainer().classList.add("no-basemap");
    }
    localiseControls(map);
    L.geoJSON(config.outlines, { style: POOL_STYLE, interactive: false }).addTo(map);
    if (config.mode === "pick") {
      var picker = new Picker(map);
      setupSearch(map, picker);
      window.piiriBudgeting = { map: map, picker: picker };
      ready(map);
    } else if (config.mode === "show") {
      var shown = pointLayer(config.features, function () { return "#b3001b"; }).addTo(map);
      if (config.features.length) map.fitBounds(shown.getBounds(), { animate: false, maxZoom: 15, padding: [20, 20] });
      ready(map);
    } else {
      fetch(config.url)
        .then(function (response) { return response.json(); })
        .then(function (collection) {
          var layer = pointLayer(collection, function (props) {
            return STATUS_COLOURS[props.implementation_status || ""] || STATUS_COLOURS[""];
          }).addTo(map);
          map.getContainer().setAttribute("data-features", String(collection.features.length));
          if (collection.features.length) map.fitBounds(layer.getBounds(), { animate: false, maxZoom: 15, padding: [20, 20] });
          ready(map);
        });
    }
  }

  var container = document.querySelector("[data-piiri-map]");
  L.Map.djangoMap(container.id, { djoptions: config.leaflet, globals: false, callback: init });
})();
