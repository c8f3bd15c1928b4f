/* Piiri's map pages. Everything page-specific (URLs, layers, filters,
 * translated text) arrives in the #piiri-map-config JSON written by the
 * Django view: this file holds behaviour only. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("piiri-map-config").textContent);
  var text = config.strings;

  var AREA_STYLE = { color: "#1a4f8b", weight: 2, fillColor: "#1a4f8b", fillOpacity: 0.04 };
  var CHILD_STYLE = { color: "#1a4f8b", weight: 1, dashArray: "4 4", fillOpacity: 0 };
  var HOVER_STYLE = { weight: 3, fillOpacity: 0.12 };
  var SELECTED_STYLE = { color: "#b3001b", weight: 4, fillColor: "#b3001b", fillOpacity: 0.1 };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function popupContent(title, rows, url, linkText) {
    var box = el("div", { class: "piiri-popup" });
    box.appendChild(el("h2", { text: title }));
    if (rows.length) {
      var list = el("dl");
      rows.forEach(function (row) {
        list.appendChild(el("dt", { text: row[0] }));
        list.appendChild(el("dd", { text: row[1] }));
      });
      box.appendChild(list);
    }
    if (url) box.appendChild(el("a", { href: url, class: "popup-link", text: linkText || text.openPage }));
    return box;
  }

  /* Moves keyboard focus into an opened popup so Tab reaches its link. */
  function focusPopup(map) {
    var link = map.getContainer().querySelector(".leaflet-popup .popup-link");
    if (link) link.focus();
  }

  function Areas(map) {
    this.map = map;
    this.byKey = {};
    this.selected = null;
    var self = this;
    var focus = config.focus;
    this.layer = L.geoJSON(config.areas, {
      style: function (feature) {
        var key = feature.properties.level + ":" + feature.properties.code;
        if (config.mode === "area" && key !== focus) return CHILD_STYLE;
        return AREA_STYLE;
      },
      onEachFeature: function (feature, layer) {
        var props = feature.properties;
        var key = props.level + ":" + props.code;
        self.byKey[key] = layer;
        layer.on("mouseover", function () { if (self.selected !== layer) layer.setStyle(HOVER_STYLE); });
        layer.on("mouseout", function () { if (self.selected !== layer) self.layer.resetStyle(layer); });
        layer.on("click", function (event) { self.select(key, event.latlng); });
      }
    }).addTo(map);
    this.labels = L.layerGroup().addTo(map);
    config.areas.forEach(function (feature) {
      var props = feature.properties;
      var key = props.level + ":" + props.code;
      if (config.mode === "area" && key === focus) return;
      var label = L.marker([props.label[1], props.label[0]], {
        icon: L.divIcon({ className: "area-label", html: "", iconSize: null }),
        title: props.name,
        alt: props.name,
        keyboard: true
      });
      label.on("add", function () {
        var node = label.getElement();
        node.textContent = props.name;
        node.setAttribute("role", "button");
        node.setAttribute("aria-label", props.name);
      });
      // Leaflet opens a marker's bound popup on click and on Enter.
      label.bindPopup(function () { return self.popupFor(props); });
      label.on("popupopen", function () {
        self.highlight(key);
        // After the key event is done, so Enter does not also follow the link.
        window.setTimeout(function () { focusPopup(map); }, 0);
      });
      label.addTo(self.labels);
    });
  }

  Areas.prototype.popupFor = function (props) {
    return popupContent(props.name, [[text.selected, props.name]], props.url, text.areaPage);
  };

  Areas.prototype.highlight = function (key) {
    var layer = this.byKey[key];
    if (!layer) return null;
    if (this.selected && this.selected !== layer) this.layer.resetStyle(this.selected);
    this.selected = layer;
    layer.setStyle(SELECTED_STYLE);
    layer.bringToFront();
    return layer;
  };

  Areas.prototype.select = function (key, latlng) {
    var layer = this.highlight(key);
    if (!layer) return null;
    var props = layer.feature.properties;
    var where = latlng || L.latLng(props.label[1], props.label[0]);
    L.popup().setLatLng(where).setContent(this.popupFor(props)).openOn(this.map);
    return layer;
  };

  function fitStart(map, areas) {
    var target = config.focus && areas.byKey[config.focus];
    var bounds = target ? target.getBounds() : areas.layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
  }

  function addBasemap(map) {
    if (!config.basemap || !config.basemap.url) return;
    L.tileLayer(config.basemap.url, { attribution: config.basemap.attribution, maxZoom: 19 }).addTo(map);
  }

  function setupSearch(map, areas) {
    var form = document.querySelector("[data-piiri-search]");
    if (!form) return;
    var out = document.getElementById("search-results");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = form.elements.q.value.trim();
      if (!query) return;
      var url = config.search + "?format=json&q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          out.textContent = "";
          if (!answer.places.length) {
            out.appendChild(el("p", { text: text.noResults }));
            return;
          }
          var list = el("ul", { class: "search-results", "aria-label": text.searchResults });
          answer.places.forEach(function (place) {
            var button = el("button", { type: "button", class: "link-button", text: place.name + " (" + place.level_label + ")" });
            button.addEventListener("click", function () { jumpTo(map, areas, place); });
            list.appendChild(el("li", {}, [button]));
          });
          out.appendChild(list);
          jumpTo(map, areas, answer.places[0]);
        });
    });
  }

  function jumpTo(map, areas, place) {
    var b = place.bbox;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: 16 });
    var key = place.level + ":" + place.code;
    if (areas.byKey[key]) {
      areas.select(key);
    } else {
      L.popup()
        .setLatLng([(b[1] + b[3]) / 2, (b[0] + b[2]) / 2])
        .setContent(popupContent(place.name, [], place.url, text.areaPage))
        .openOn(map);
    }
    focusPopup(map);
  }

  function setupSelectButtons(map, areas) {
    document.querySelectorAll("[data-piiri-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        var layer = areas.select(button.getAttribute("data-piiri-select"));
        if (layer) map.fitBounds(layer.getBounds());
        focusPopup(map);
      });
    });
  }

  function init(map) {
    map.getContainer().classList.add("piiri-map");
    addBasemap(map);
    var areas = new Areas(map);
    fitStart(map, areas);
    setupSearch(map, areas);
    setupSelectButtons(map, areas);
    var hash = decodeURIComponent(window.location.hash.slice(1));
    if (hash && areas.byKey[hash]) {
      map.fitBounds(areas.byKey[hash].getBounds());
      areas.select(hash);
    }
    window.piiri = { map: map, areas: areas };
    map.getContainer().setAttribute("data-ready", "true");
  }

  var container = document.querySelector("[data-piiri-map]");
  L.Map.djangoMap(container.id, { djoptions: config.leaflet, globals: false, callback: init });
})();
