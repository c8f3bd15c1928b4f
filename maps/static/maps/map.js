/* Piiri's map pages. Everything page-specific (URLs, layers, filters,
 * translated text) arrives in the #piiri-map-config JSON written by the
 * Django view: this file holds behaviour only. */
(function () {
  "use strict";

  // VectorGrid's canvas renderer still calls fakeStop, removed in Leaflet
  // 1.9; this is what it did.
  if (!L.DomEvent.fakeStop) L.DomEvent.fakeStop = function (e) { e._stopped = true; };

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
        layer.on("click", function (event) {
          self.highlight(key);
          whereAmI(map, event.latlng);
        });
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

  /* "Where am I?": every official area at the point, finest first, each
   * linked to its page ("Kluuvi · Vironniemi · Eteläinen"). */
  function whereAmI(map, latlng) {
    var url = config.where + "?lon=" + latlng.lng.toFixed(6) + "&lat=" + latlng.lat.toFixed(6);
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        var areas = answer.areas || [];
        var box = el("div", { class: "piiri-popup where" });
        box.appendChild(el("h2", { text: text.here }));
        var chain = el("p", { class: "where-chain" });
        var rest = el("ul", { class: "popup-areas" });
        areas.forEach(function (area) {
          var link = el("a", { href: area.url, text: area.name, "data-level": area.level });
          if (area.level === "neighbourhood") {
            rest.appendChild(el("li", {}, [document.createTextNode(area.level_label + ": "), link]));
            return;
          }
          if (chain.childNodes.length) chain.appendChild(document.createTextNode(" · "));
          link.setAttribute("title", area.level_label);
          chain.appendChild(link);
        });
        if (!areas.length) chain.textContent = text.outsideHelsinki;
        box.appendChild(chain);
        if (rest.childNodes.length) box.appendChild(rest);
        L.popup({ maxWidth: 320 }).setLatLng(latlng).setContent(box).openOn(map);
        return areas;
      });
  }

  /* Finer outlines and names as the map is zoomed in, from the page's
   * outline endpoints (loaded once per level). */
  function ZoomOutlines(map, areas) {
    this.map = map;
    this.areas = areas;
    this.loaded = {};
    this.layers = {};
    this.labels = {};
    var self = this;
    map.createPane("piiri-outlines").style.zIndex = 390;
    (config.zoomLevels || []).forEach(function (def) { self.layers[def.level] = null; });
    map.on("zoomend", function () { self.update(); });
    this.update();
  }

  ZoomOutlines.prototype.load = function (def) {
    var self = this;
    if (!this.loaded[def.level]) {
      this.loaded[def.level] = fetch(def.url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (collection) {
          var style = def.level === "neighbourhood"
            ? { color: "#4a4a4a", weight: 1, dashArray: "2 4", fillOpacity: 0, interactive: false }
            : { color: "#1a4f8b", weight: def.level === "district" ? 1.5 : 1, dashArray: def.level === "sub_district" ? "4 4" : null, fillOpacity: 0, interactive: false };
          self.layers[def.level] = L.geoJSON(collection, { pane: "piiri-outlines", style: style, interactive: false });
          var labels = L.layerGroup();
          collection.features.forEach(function (feature) {
            var props = feature.properties;
            var label = L.marker([props.label[1], props.label[0]], {
              icon: L.divIcon({ className: "area-label area-label-" + def.level, html: "", iconSize: null }),
              interactive: false,
              keyboard: false
            });
            label.on("add", function () {
              var node = label.getElement();
              node.textContent = props.name;
              node.setAttribute("aria-hidden", "true");
            });
            label.addTo(labels);
          });
          self.labels[def.level] = labels;
          return collection;
        });
    }
    return this.loaded[def.level];
  };

  ZoomOutlines.prototype.update = function () {
    var self = this;
    var zoom = this.map.getZoom();
    var map = this.map;
    (config.zoomLevels || []).forEach(function (def) {
      if (zoom < def.minZoom) {
        if (self.layers[def.level]) map.removeLayer(self.layers[def.level]);
        if (self.labels[def.level]) map.removeLayer(self.labels[def.level]);
        return;
      }
      self.load(def).then(function () {
        var now = map.getZoom();
        if (now < def.minZoom) return;
        self.layers[def.level].addTo(map);
        if (now <= def.labelMaxZoom) self.labels[def.level].addTo(map);
        else map.removeLayer(self.labels[def.level]);
      });
    });
    // The major districts' names give way to the finer ones.
    var first = (config.zoomLevels || [])[0];
    if (first && this.areas.labels) {
      if (zoom >= first.minZoom) map.removeLayer(this.areas.labels);
      else this.areas.labels.addTo(map);
    }
  };

  /* #<level>:<code> for any level: the major districts are on the page;
   * finer areas come from their level's outlines. */
  ZoomOutlines.prototype.open = function (key) {
    var map = this.map;
    var parts = key.split(":");
    var def = (config.zoomLevels || []).filter(function (d) { return d.level === parts[0]; })[0];
    if (!def) return;
    this.load(def).then(function (collection) {
      var feature = collection.features.filter(function (f) { return f.properties.code === parts[1]; })[0];
      if (!feature) return;
      var shape = L.geoJSON(feature, { style: SELECTED_STYLE, interactive: false }).addTo(map);
      map.fitBounds(shape.getBounds(), { animate: false });
      var props = feature.properties;
      L.popup().setLatLng([props.label[1], props.label[0]])
        .setContent(popupContent(props.name, [], props.url, text.areaPage)).openOn(map);
    });
  };

  function addWater(map) {
    if (!config.water || !config.water.length) return;
    map.createPane("piiri-water").style.zIndex = 250;
    L.geoJSON(config.water, {
      pane: "piiri-water",
      interactive: false,
      style: { stroke: false, fillColor: "#a8d3ee", fillOpacity: 1 }
    }).addTo(map);
  }

  /* Leaflet's own controls in the page's language, and Esc to close a
   * popup (focus goes back where it was). */
  function localiseControls(map) {
    var container = map.getContainer();
    [["leaflet-control-zoom-in", text.zoomIn], ["leaflet-control-zoom-out", text.zoomOut]].forEach(function (pair) {
      var button = container.querySelector("." + pair[0]);
      if (button) { button.setAttribute("title", pair[1]); button.setAttribute("aria-label", pair[1]); }
    });
    var opener = null;
    map.on("popupopen", function (event) {
      opener = document.activeElement;
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("title", text.close); close.setAttribute("aria-label", text.close); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !map._popup || !map.hasLayer(map._popup)) return;
      map.closePopup();
      if (opener && document.body.contains(opener)) opener.focus();
    });
  }

  /* "Use my location": the browser's position, then the sub-district
   * there, whose page opens. */
  function setupLocate(map) {
    var button = document.querySelector("[data-piiri-locate]");
    if (!button) return;
    var status = document.getElementById("locate-status");
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = text.locationFailed; return; }
      status.textContent = text.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        whereAmI(map, latlng).then(function (areas) {
          var finest = areas.filter(function (a) { return a.level !== "neighbourhood"; })[0];
          if (!finest) { status.textContent = text.outsideHelsinki; return; }
          window.location.assign(finest.url);
        });
      }, function () { status.textContent = text.locationFailed; }, { timeout: 10000 });
    });
  }

  function fitStart(map, areas) {
    if (config.point) {
      L.circleMarker([config.point[1], config.point[0]], {
        radius: 8, weight: 2, color: "#ffffff", fillColor: "#b3001b", fillOpacity: 1, interactive: false
      }).addTo(map);
      map.setView([config.point[1], config.point[0]], 15, { animate: false });
      return;
    }
    var target = config.focus && areas.byKey[config.focus];
    var bounds = target ? target.getBounds() : areas.layer.getBounds();
    // Not animated: layers added next must see the final zoom, or they load
    // a second set of tiles for the zoom the animation starts from.
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10], animate: false });
  }

  function addBasemap(map) {
    if (!config.basemap || !config.basemap.url) {
      map.getContainer().classList.add("no-basemap");
      addWater(map);
      return false;
    }
    L.tileLayer(config.basemap.url, { attribution: config.basemap.attribution, maxZoom: 19 }).addTo(map);
    return true;
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


  function queryString(params) {
    var parts = Object.keys(params).filter(function (k) { return params[k] !== ""; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); });
    return parts.length ? "?" + parts.join("&") : "";
  }

  /* VectorGrid's point features inherit CircleMarker.getLatLng but have no
   * latlng (they live in tile pixels); Leaflet >= 1.8 then fails on every
   * click. Without getLatLng, Leaflet takes the pointer's position. */
  var pointsPatched = false;
  function patchPointFeatures(grid) {
    if (pointsPatched) return;
    Object.keys(grid._vectorTiles || {}).some(function (key) {
      var features = grid._vectorTiles[key]._features || {};
      return Object.keys(features).some(function (id) {
        var feature = features[id].feature;
        var proto = Object.getPrototypeOf(feature);
        if (feature instanceof L.CircleMarker && proto !== L.CircleMarker.prototype) {
          proto.getLatLng = null;
          pointsPatched = true;
        }
        return pointsPatched;
      });
    });
  }

  function featureLatLng(geometry) {
    var c = geometry.coordinates;
    while (Array.isArray(c[0])) c = c[0];
    return L.latLng(c[1], c[0]);
  }

  /* Toggleable item layers: vector tiles from the layer API, filtered on
   * the server, plus a keyboard-reachable list of what is in view. */
  function Layers(map, bounds) {
    this.map = map;
    // Tiles only over the city: the sea and the neighbours around it hold
    // no items, and each of their empty tiles would still be a request.
    this.bounds = bounds.isValid() ? bounds.pad(0.05) : null;
    this.active = {};
    this.labels = {};
    this.defs = {};
    var self = this;
    map.createPane("piiri-features").style.zIndex = 450;
    config.layers.forEach(function (def) {
      self.defs[def.name] = def;
      var checkbox = document.querySelector('[data-piiri-layer="' + def.name + '"]');
      var swatch = checkbox && checkbox.parentNode.querySelector(".swatch");
      if (swatch) swatch.style.backgroundColor = def.colour;
      if (!checkbox) return;
      var rebuild = function () { self.show(def, checkbox.checked); };
      checkbox.addEventListener("change", rebuild);
      document.querySelectorAll('[data-piiri-filter="' + def.name + '"]').forEach(function (select) {
        select.addEventListener("change", function () { if (checkbox.checked) rebuild(); });
      });
    });
    this.timer = null;
    this.countTimer = null;
    map.on("moveend", function () { self.scheduleList(); self.scheduleCount(); });
  }

  /* One in-view list request per layer after a burst of changes (layers
   * switched on together, a pan, a zoom), not one per change. */
  Layers.prototype.scheduleList = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.listInView(); }, 250);
  };

  /* Items a layer's loaded tiles at the map's zoom draw: a cell's count,
   * one per point (for tests). */
  Layers.prototype.itemCount = function (name) {
    var grid = this.active[name];
    var count = 0;
    if (grid) eachFeature(this.map, grid, function (feature) {
      count += feature.properties.count === undefined ? 1 : feature.properties.count;
    });
    return count;
  };

  /* Features drawn by a layer's loaded tiles (for tests and the bench). */
  Layers.prototype.featureCount = function (name) {
    var grid = this.active[name];
    if (!grid) return 0;
    var count = 0;
    Object.keys(grid._vectorTiles || {}).forEach(function (key) {
      count += Object.keys(grid._vectorTiles[key]._features || {}).length;
    });
    return count;
  };

  Layers.prototype.filters = function (def) {
    var params = {};
    document.querySelectorAll('[data-piiri-filter="' + def.name + '"]').forEach(function (select) {
      params[select.name] = select.value;
    });
    return params;
  };

  /* A cell of an aggregated tile: its circle grows with the log of its
   * count and stays inside its 32 px cell. */
  function cellRadius(count) {
    return Math.min(14, 8 + 1.5 * Math.log(count) / Math.LN10);
  }

  function formatCount(count) {
    return Number(count).toLocaleString(config.language);
  }

  // "12K" on a circle: a label must fit its 32 px cell.
  var compact = new Intl.NumberFormat(config.language, { notation: "compact", maximumFractionDigits: 1 });

  /* Features of the grid's tiles at the map's zoom, with their tile. */
  function eachFeature(map, grid, callback) {
    var zoom = map.getZoom();
    Object.keys(grid._vectorTiles || {}).forEach(function (key) {
      var coords = key.split(":").map(Number);
      if (coords[2] !== zoom) return;
      var features = grid._vectorTiles[key]._features || {};
      var ids = Object.keys(features);
      ids.forEach(function (id) { callback(features[id].feature, coords, ids.length); });
    });
  }

  /* A feature's position in the map's pixel space at its tile's zoom. */
  function globalPixel(feature, coords, tileSize) {
    return L.point(coords[0] * tileSize + feature._point.x, coords[1] * tileSize + feature._point.y);
  }

  Layers.prototype.show = function (def, on) {
    var map = this.map;
    var self = this;
    if (this.active[def.name]) map.removeLayer(this.active[def.name]);
    if (this.labels[def.name]) map.removeLayer(this.labels[def.name]);
    delete this.active[def.name];
    delete this.labels[def.name];
    if (on) {
      var pointStyle = {
        radius: 6, weight: 1.5, color: "#ffffff", fill: true, fillColor: def.colour, fillOpacity: 0.9
      };
      var style = {};
      // Below the aggregation zoom a tile holds counts per grid cell.
      style[def.name] = function (properties) {
        if (properties.count === undefined) return pointStyle;
        return {
          radius: cellRadius(properties.count), weight: 2, color: "#ffffff",
          fill: true, fillColor: def.colour, fillOpacity: 0.85
        };
      };
      var tileParams = this.filters(def);
      tileParams.limit = config.tileLimit;
      // The id alone: a popup fetches the rest, and titles were most of a
      // tile's bytes.
      tileParams.properties = "id";
      // The layer's data version: such tiles are cached for ever, and one
      // of an older version redirects to the current one (maps/tiles.py).
      if (def.version) tileParams.v = def.version;
      var cells = 0;
      var grid = L.vectorGrid.protobuf(def.tiles + queryString(tileParams), {
        pane: "piiri-features",
        // Canvas, not SVG: a city-wide view can hold tens of thousands of
        // points, which as DOM nodes would stall the page.
        rendererFactory: L.canvas.tile,
        interactive: true,
        maxNativeZoom: 18,
        bounds: this.bounds,
        vectorTileLayerStyles: style,
        getFeatureId: function (feature) {
          var id = feature.properties.id;
          return id === undefined ? "cell-" + (cells += 1) : id;
        }
      });
      var labels = L.layerGroup();
      var byTile = {};
      grid.on("click", function (event) {
        var latlng = event.latlng || map.mouseEventToLatLng(event.originalEvent);
        if (event.layer.properties.count !== undefined) {
          map.setView(latlng, Math.min(map.getZoom() + 2, config.aggregateBelowZoom));
          return;
        }
        self.open(def, event.layer.properties.id, latlng, false);
      });
      grid.on("tileload", function (event) {
        patchPointFeatures(grid);
        var key = grid._tileCoordsToKey(event.coords);
        var markers = [];
        var tileSize = grid.getTileSize().x;
        var features = (grid._vectorTiles[key] || {})._features || {};
        Object.keys(features).forEach(function (id) {
          var feature = features[id].feature;
          if (feature.properties.count === undefined) return;
          var coords = [event.coords.x, event.coords.y, event.coords.z];
          var latlng = map.unproject(globalPixel(feature, coords, tileSize), event.coords.z);
          var marker = L.marker(latlng, {
            icon: L.divIcon({ className: "cell-count", html: "", iconSize: null }),
            interactive: false,
            keyboard: false
          });
          marker.on("add", function () {
            var node = marker.getElement();
            node.textContent = compact.format(feature.properties.count);
            node.setAttribute("aria-hidden", "true");
          });
          markers.push(marker.addTo(labels));
        });
        byTile[key] = markers;
      });
      grid.on("tileunload", function (event) {
        var key = grid._tileCoordsToKey(event.coords);
        (byTile[key] || []).forEach(function (marker) { labels.removeLayer(marker); });
        delete byTile[key];
      });
      grid.addTo(map);
      labels.addTo(map);
      grid.on("load", function () {
        map.getContainer().setAttribute("data-tiles-" + def.name, "loaded");
        self.scheduleCount();
      });
      this.active[def.name] = grid;
      this.labels[def.name] = labels;
    }
    this.scheduleList();
    this.scheduleCount();
  };

  /* How many items of each layer the view holds, from the tiles already
   * drawn: a cell counts when its items' mean lies in view ("about" when a
   * cell with items crosses the view's edge); points count one each ("at
   * least" when a tile is full and points are stacked). */
  Layers.prototype.countInView = function () {
    var map = this.map;
    var out = document.getElementById("map-count");
    if (!out) return;
    var names = Object.keys(this.active);
    if (!names.length) { out.textContent = ""; return; }
    var self = this;
    if (names.some(function (name) { return self.active[name].isLoading(); })) {
      out.textContent = text.counting;
      return;
    }
    var zoom = map.getZoom();
    var view = map.getPixelBounds();
    var capped = false;
    var parts = names.map(function (name) {
      var grid = self.active[name];
      var tileSize = grid.getTileSize().x;
      var cellSize = tileSize / config.aggregateCells;
      var total = 0;
      var inexact = false;
      var full = false;
      eachFeature(map, grid, function (feature, coords, inTile) {
        var at = globalPixel(feature, coords, tileSize);
        if (feature.properties.count === undefined) {
          if (view.contains(at)) total += 1;
          if (inTile >= config.tileLimit) full = true;
          return;
        }
        var corner = L.point(
          coords[0] * tileSize + Math.floor(feature._point.x / cellSize) * cellSize,
          coords[1] * tileSize + Math.floor(feature._point.y / cellSize) * cellSize
        );
        var cell = L.bounds(corner, corner.add([cellSize, cellSize]));
        if (view.contains(at)) total += feature.properties.count;
        if (view.intersects(cell) && !view.contains(cell)) inexact = true;
      });
      var shown = formatCount(total);
      if (full) shown = text.atLeast.replace("%s", shown);
      else if (inexact) shown = text.about.replace("%s", shown);
      capped = capped || full;
      return self.defs[name].title + " " + shown;
    });
    out.textContent = text.mapCount.replace("%s", parts.join(", ")) +
      (capped ? " " + text.tileCapped.replace("%s", formatCount(config.tileLimit)) : "");
    out.setAttribute("data-zoom", String(zoom));
  };

  Layers.prototype.scheduleCount = function () {
    var self = this;
    window.clearTimeout(this.countTimer);
    this.countTimer = window.setTimeout(function () { self.countInView(); }, 300);
  };

  Layers.prototype.open = function (def, id, latlng, focus) {
    var map = this.map;
    var url = def.page.replace("{id}", encodeURIComponent(id)) + "?format=json";
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (item) {
        var box = popupContent(item.title, item.rows, item.url, text.openPage);
        box.insertBefore(el("p", { class: "popup-layer", text: def.title }), box.firstChild);
        if (item.areas.length) {
          var list = el("ul", { class: "popup-areas", "aria-label": text.areas });
          item.areas.forEach(function (area) {
            var link = el("a", { href: area.url, text: area.name });
            list.appendChild(el("li", {}, [document.createTextNode(area.level + ": "), link]));
          });
          box.insertBefore(list, box.querySelector(".popup-link"));
        }
        L.popup({ maxWidth: 320 }).setLatLng(latlng).setContent(box).openOn(map);
        if (focus) focusPopup(map);
      });
  };

  Layers.prototype.listInView = function () {
    var self = this;
    var list = document.getElementById("in-view");
    var status = document.getElementById("in-view-status");
    if (!list) return;
    var names = Object.keys(this.active);
    if (!names.length) {
      list.textContent = "";
      status.textContent = text.turnOnLayer;
      return;
    }
    var b = this.map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
    Promise.all(names.map(function (name) {
      var def = self.defs[name];
      var params = self.filters(def);
      params.bbox = bbox;
      params.limit = config.listLimit;
      return fetch(def.items + queryString(params), { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.json(); })
        .then(function (page) { return { def: def, page: page }; });
    })).then(function (answers) {
      list.textContent = "";
      var counts = [];
      answers.forEach(function (answer) {
        var def = answer.def;
        counts.push(def.title + ": " + answer.page.numberMatched);
        answer.page.features.forEach(function (feature) {
          if (!feature.geometry) return;
          var props = feature.properties;
          var title = def.titleFields.map(function (f) { return props[f]; }).filter(Boolean)[0] || String(feature.id);
          var button = el("button", { type: "button", class: "link-button", text: title });
          button.addEventListener("click", function () {
            var latlng = featureLatLng(feature.geometry);
            self.map.panTo(latlng);
            self.open(def, feature.id, latlng, true);
          });
          var item = el("li", {}, [el("span", { class: "swatch", "aria-hidden": "true" }), button]);
          item.firstChild.style.backgroundColor = def.colour;
          item.appendChild(el("span", { class: "visually-hidden", text: " (" + def.title + ")" }));
          list.appendChild(item);
        });
      });
      status.textContent = text.inView + " " + counts.join(", ") + ". " + text.listLimited.replace("%s", config.listLimit);
    });
  };

  /* Draw-to-query through the planners' query API: counts, the list, and
   * downloads in every format it offers. */
  function Query(map, areas, layers) {
    var self = this;
    this.map = map;
    this.out = document.getElementById("query-result");
    this.drawn = null;
    if (!this.out || !map.pm) return;
    map.pm.setLang(config.language === "sv" ? "sv" : config.language === "fi" ? "fi" : "en");
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
      drawCircle: false, drawText: false, drawRectangle: true, drawPolygon: true,
      editMode: false, dragMode: false, cutPolygon: false, removalMode: false, rotateMode: false
    });
    // Geoman's toolbar links carry their name only in the parent's title.
    map.getContainer().querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
      var title = button.parentNode.getAttribute("title");
      if (title) button.setAttribute("aria-label", title);
    });
    map.on("pm:create", function (event) {
      if (self.drawn) map.removeLayer(self.drawn);
      self.drawn = event.layer;
      self.run({ geometry: event.layer.toGeoJSON().geometry });
    });
    var draw = document.querySelector("[data-piiri-draw]");
    if (draw) draw.addEventListener("click", function () { map.pm.enableDraw("Polygon"); });
    var selected = document.querySelector("[data-piiri-query-selected]");
    if (selected) selected.addEventListener("click", function () {
      if (!areas.selected) { self.out.textContent = text.selectFirst; return; }
      var props = areas.selected.feature.properties;
      self.run({ area: props.level + ":" + props.code });
    });
  }

  Query.prototype.body = function (area) {
    var body = Object.assign({}, area);
    body.collections = config.layers.map(function (def) { return def.name; });
    return JSON.stringify(body);
  };

  Query.prototype.run = function (area) {
    var self = this;
    this.out.textContent = text.counting;
    fetch(config.query, { method: "POST", headers: { "Content-Type": "application/json" }, body: this.body(area) })
      .then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      })
      .then(function (result) {
        self.out.textContent = "";
        if (!result.ok) {
          self.out.appendChild(el("p", { class: "error", text: result.answer.detail || JSON.stringify(result.answer) }));
          return;
        }
        self.show(area, result.answer);
      });
  };

  Query.prototype.show = function (area, answer) {
    var self = this;
    var table = el("table", { class: "query-counts" });
    table.appendChild(el("caption", { text: text.inArea }));
    config.layers.forEach(function (def) {
      var count = answer.counts[def.name] ? answer.counts[def.name].count : 0;
      var row = el("tr", { "data-collection": def.name }, [el("th", { scope: "row", text: def.title }), el("td", { text: String(count) })]);
      table.appendChild(row);
    });
    this.out.appendChild(table);
    var list = el("ul", { class: "query-list" });
    var defs = {};
    config.layers.forEach(function (def) { defs[def.name] = def; });
    answer.features.features.slice(0, config.listLimit).forEach(function (feature) {
      var def = defs[feature.properties.collection];
      if (!def) return;
      var title = def.titleFields.map(function (f) { return feature.properties[f]; }).filter(Boolean)[0] || String(feature.id);
      list.appendChild(el("li", {}, [el("a", { href: def.page.replace("{id}", feature.id), text: title })]));
    });
    if (list.childNodes.length) this.out.appendChild(list);
    var downloads = el("p", { class: "downloads" });
    config.downloads.forEach(function (format) {
      var button = el("button", { type: "button", class: "link-button", text: format.label });
      button.addEventListener("click", function () { self.download(area, format.value); });
      downloads.appendChild(button);
      downloads.appendChild(document.createTextNode(" "));
    });
    this.out.appendChild(downloads);
  };

  Query.prototype.download = function (area, format) {
    fetch(config.query + "?format=" + encodeURIComponent(format), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: this.body(area)
    }).then(function (response) { return response.blob(); }).then(function (blob) {
      var link = el("a", { href: URL.createObjectURL(blob), download: config.downloadName + "." + format });
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  };

  function init(map) {
    map.getContainer().classList.add("piiri-map");
    addBasemap(map);
    localiseControls(map);
    var areas = new Areas(map);
    fitStart(map, areas);
    setupSearch(map, areas);
    setupSelectButtons(map, areas);
    setupLocate(map);
    var outlines = config.zoomLevels ? new ZoomOutlines(map, areas) : null;
    var hash = decodeURIComponent(window.location.hash.slice(1));
    if (hash && areas.byKey[hash]) {
      map.fitBounds(areas.byKey[hash].getBounds());
      areas.select(hash);
    } else if (hash && outlines) {
      outlines.open(hash);
    }
    var layers = config.layers ? new Layers(map, areas.layer.getBounds()) : null;
    // ?layers=cases,facilities opens the map with those layers on (links
    // and bookmarks can share a view).
    var wanted = new URLSearchParams(window.location.search).get("layers");
    if (layers && wanted) {
      wanted.split(",").forEach(function (name) {
        var checkbox = document.querySelector('[data-piiri-layer="' + name + '"]');
        if (checkbox && layers.defs[name]) {
          checkbox.checked = true;
          layers.show(layers.defs[name], true);
        }
      });
    }
    var query = config.query ? new Query(map, areas, layers) : null;
    window.piiri = { map: map, areas: areas, layers: layers, query: query, outlines: outlines };
    map.getContainer().setAttribute("data-ready", "true");
  }

  var container = document.querySelector("[data-piiri-map]");
  L.Map.djangoMap(container.id, { djoptions: config.leaflet, globals: false, callback: init });
})();
