// hyperdef 3-D viewer: a run's scene.czml on an offline CesiumJS globe.
//
// Offline by construction: the imagery is the Natural Earth II tile set shipped inside the
// cesium package, the globe is the bare WGS84 ellipsoid, and the widgets that call Cesium ion
// (base-layer picker, geocoder) are off. No access token is set or needed.
//
// For tests and headless screenshots the page exposes:
//   window.hyperdefReady        true once the scene is loaded and the globe's tiles are drawn
//   window.hyperdefEntityCount  the number of entities loaded from the CZML
//   window.hyperdefError        a message when loading failed
//   window.hyperdefViewer       the Cesium.Viewer (for inspection from tests)
// URL parameters: ?scene=<url of the CZML> (default run/scene.czml), ?t=<seconds after epoch>
// (pauses the clock there).
/* global Cesium */
(function () {
  "use strict";

  const params = new URLSearchParams(window.location.search);
  const sceneUrl = params.get("scene") || "run/scene.czml";
  const lite = params.get("lite") === "1";
  const UNITS = { alt_km: "km", speed_mps: "m/s", temp_k: "K", sigma_pos_m: "m" };
  window.hyperdefReady = false;
  window.hyperdefEntityCount = null;
  window.hyperdefError = null;

  function showBanner(text) {
    const el = document.getElementById("banner");
    el.textContent = text;
    el.hidden = false;
  }

  function escapeHtml(text) {
    const el = document.createElement("span");
    el.textContent = String(text);
    return el.innerHTML;
  }

  function makeViewer() {
    const imagery = Cesium.TileMapServiceImageryProvider.fromUrl(
      Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"),
    );
    const viewer = new Cesium.Viewer("globe", {
      baseLayer: Cesium.ImageryLayer.fromProviderAsync(imagery),
      terrainProvider: new Cesium.EllipsoidTerrainProvider(),
      baseLayerPicker: false,
      geocoder: false,
      navigationHelpButton: false,
      fullscreenButton: false,
      projectionPicker: false,
      sceneModePicker: true,
      homeButton: true,
      infoBox: true,
      selectionIndicator: true,
      timeline: true,
      animation: true,
      shouldAnimate: false,
      // Software WebGL (headless stills) takes seconds a frame with 4× MSAA, order-independent
      // translucency and the atmosphere shaders; ?lite=1 turns them off (about 10× faster).
      msaaSamples: lite ? 1 : 4,
      orderIndependentTranslucency: !lite,
    });
    if (lite) {
      viewer.scene.skyAtmosphere.show = false;
      viewer.scene.globe.showGroundAtmosphere = false;
      viewer.scene.fog.enabled = false;
    }
    return viewer;
  }

  function formatValue(name, value) {
    if (typeof value !== "number") return escapeHtml(value);
    const digits = Math.abs(value) >= 100 ? 0 : 2;
    return `${value.toFixed(digits)} ${UNITS[name] || ""}`.trim();
  }

  // The info box shows the entity's custom properties at the clock's current time.
  function liveDescription(entity) {
    const fixed = entity.description ? entity.description.getValue(Cesium.JulianDate.now()) : "";
    return new Cesium.CallbackProperty(function (time) {
      const values = entity.properties.getValue(time) || {};
      const rows = Object.keys(values)
        .filter((name) => values[name] !== undefined)
        .map((name) => `<tr><th>${escapeHtml(name)}</th><td>${formatValue(name, values[name])}</td></tr>`);
      return `${fixed || ""}<table class="cesium-infoBox-defaultTable">${rows.join("")}</table>`;
    }, false);
  }

  function showLegend(meta) {
    const rows = JSON.parse((meta && meta.properties && meta.properties.legend) || "[]");
    const el = document.getElementById("legend");
    const title = `<h1>hyperdef ${escapeHtml(meta ? meta.properties.hyperdef_version : "")}</h1>`;
    el.innerHTML = title + rows.map((row) =>
      `<div><span class="swatch" style="background: rgb(${row.rgb.join(",")})"></span>` +
      `${escapeHtml(row.label)}</div>`).join("");
    el.hidden = false;
  }

  // Every sampled or fixed position of every entity, as Cartesian3 (ECEF).
  function allPoints(packets) {
    const points = [];
    for (const packet of packets) {
      const pos = packet.position || {};
      const c = pos.cartesian;
      for (let i = 0; c && i + 3 < c.length; i += 4) {
        points.push(new Cesium.Cartesian3(c[i + 1], c[i + 2], c[i + 3]));
      }
      const g = pos.cartographicDegrees;
      if (g && g.length === 3) points.push(Cesium.Cartesian3.fromDegrees(g[0], g[1], g[2]));
    }
    return points;
  }

  // Frame every object (threats, satellites up to GEO, sites): look at the Earth from the
  // direction of the threats, backing off until every point lies inside 90 % of the narrower
  // field of view and in front of the camera. The home button returns here.
  function frameAll(viewer, packets) {
    const points = allPoints(packets);
    if (points.length === 0) return;
    const threats = allPoints(packets.filter((p) => p.id.startsWith("threat/")));
    const centre = Cesium.BoundingSphere.fromPoints(threats.length ? threats : points).center;
    const dir = Cesium.Cartesian3.normalize(centre, new Cesium.Cartesian3());
    const frustum = viewer.camera.frustum;
    const aspect = viewer.canvas.clientWidth / Math.max(viewer.canvas.clientHeight, 1);
    const half = 0.9 * Math.min(frustum.fov, 2 * Math.atan(Math.tan(frustum.fov / 2) / aspect)) / 2;
    const fits = function (d) {
      const eye = Cesium.Cartesian3.multiplyByScalar(dir, d, new Cesium.Cartesian3());
      return points.every(function (p) {
        const v = Cesium.Cartesian3.subtract(p, eye, new Cesium.Cartesian3());
        const along = -Cesium.Cartesian3.dot(v, dir);
        return along > 0 && Math.acos(Math.min(1, along / Cesium.Cartesian3.magnitude(v))) < half;
      });
    };
    let d = 6.378e6 + 2.0e6;
    while (!fits(d) && d < 1e9) d *= 1.1;
    const destination = Cesium.Cartesian3.multiplyByScalar(dir, d, new Cesium.Cartesian3());
    const north = Cesium.Cartesian3.UNIT_Z;
    const up = Cesium.Cartesian3.normalize(Cesium.Cartesian3.subtract(north,
      Cesium.Cartesian3.multiplyByScalar(dir, Cesium.Cartesian3.dot(north, dir),
        new Cesium.Cartesian3()), new Cesium.Cartesian3()), new Cesium.Cartesian3());
    const view = { destination: destination,
      orientation: { direction: Cesium.Cartesian3.negate(dir, new Cesium.Cartesian3()), up: up } };
    viewer.camera.setView(view);
    window.hyperdefCameraDistance = d;
    viewer.homeButton.viewModel.command.beforeExecute.addEventListener(function (event) {
      event.cancel = true;
      viewer.camera.flyTo(Object.assign({ duration: 1.0 }, view));
    });
  }

  // Satellites carry hidden labels: the one under the mouse shows its name.
  function hoverLabels(viewer) {
    let shown = null;
    const handler = new Cesium.ScreenSpaceEventHandler(viewer.scene.canvas);
    handler.setInputAction(function (movement) {
      const picked = viewer.scene.pick(movement.endPosition);
      const entity = picked && picked.id instanceof Cesium.Entity ? picked.id : null;
      const sat = entity && entity.id.startsWith("sat/") && entity.label ? entity : null;
      if (shown && shown !== sat) shown.label.show = false;
      if (sat) sat.label.show = true;
      shown = sat;
    }, Cesium.ScreenSpaceEventType.MOUSE_MOVE);
  }

  // Label declutter: place labels greedily (threats first, then sites and areas) at the first
  // of four offsets whose box overlaps no label already placed; hide a label with no free spot.
  const PRIORITY = ["threat/", "track/", "radar/", "area/", "interceptor/", "sat/"];
  const OFFSETS = [[9, 0, "LEFT"], [-9, 0, "RIGHT"], [9, -16, "LEFT"], [9, 16, "LEFT"]];
  function declutter(viewer, entities) {
    const time = viewer.clock.currentTime;
    const placed = [];
    let hidden = 0;
    const labelled = entities.filter((e) => e.label && !e.id.startsWith("sat/"))
      .sort((a, b) => rank(a) - rank(b));
    for (const e of labelled) {
      const pos = e.position && e.position.getValue(time);
      const win = pos && Cesium.SceneTransforms.worldToWindowCoordinates(viewer.scene, pos);
      if (!win) continue;
      const text = e.label.text.getValue(time) || "";
      const w = 7.5 * text.length + 8;
      const h = 18;
      let spot = null;
      for (const [dx, dy, origin] of OFFSETS) {
        const x0 = origin === "LEFT" ? win.x + dx : win.x + dx - w;
        const box = [x0, win.y + dy - h / 2, x0 + w, win.y + dy + h / 2];
        if (!placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) {
          spot = [dx, dy, origin, box];
          break;
        }
      }
      if (spot) {
        placed.push(spot[3]);
        e.label.show = true;
        e.label.pixelOffset = new Cesium.Cartesian2(spot[0], spot[1]);
        e.label.horizontalOrigin = Cesium.HorizontalOrigin[spot[2]];
      } else {
        e.label.show = false;
        hidden += 1;
      }
    }
    window.hyperdefLabelBoxes = placed;
    window.hyperdefLabelsHidden = hidden;
  }

  function rank(entity) {
    const i = PRIORITY.findIndex((p) => entity.id.startsWith(p));
    return i < 0 ? PRIORITY.length : i;
  }

  async function checkServerInfo() {
    const response = await fetch("run-info.json", { cache: "no-store" });
    if (!response.ok) return;
    const info = await response.json();
    if (info.warning) showBanner(info.warning);
  }

  async function main() {
    const viewer = makeViewer();
    window.hyperdefViewer = viewer;
    const response = await fetch(sceneUrl, { cache: "no-store" });
    if (!response.ok) throw new Error(`${sceneUrl}: HTTP ${response.status}`);
    const packets = await response.json();
    const dataSource = await Cesium.CzmlDataSource.load(packets);
    await viewer.dataSources.add(dataSource);
    const meta = packets.find((packet) => packet.id === "hyperdef");
    showLegend(meta);
    await checkServerInfo();
    for (const entity of dataSource.entities.values) {
      if (entity.properties && entity.properties.propertyNames.length > 0) {
        entity.description = liveDescription(entity);
      }
    }
    frameAll(viewer, packets);
    hoverLabels(viewer);
    // Online-service logos have no place in an offline viewer; the data credits stay.
    for (const logo of document.querySelectorAll(".cesium-credit-logoContainer")) logo.remove();
    const entities = dataSource.entities.values;
    let frame = 0;
    viewer.scene.postRender.addEventListener(function () {
      frame += 1;
      if (frame % 10 === 1) declutter(viewer, entities);
    });
    const t = params.get("t");
    if (t !== null && meta) {
      const epoch = Cesium.JulianDate.fromIso8601(meta.properties.epoch_utc);
      viewer.clock.currentTime = Cesium.JulianDate.addSeconds(epoch, Number(t),
        new Cesium.JulianDate());
      viewer.clock.shouldAnimate = false;
    }
    window.hyperdefEntityCount = dataSource.entities.values.length;
    // Ready after a few frames in a row with every tile and every entity geometry drawn.
    let quietFrames = 0;
    const stop = viewer.scene.postRender.addEventListener(function () {
      const drawn = viewer.scene.globe.tilesLoaded && viewer.dataSourceDisplay.ready;
      quietFrames = drawn ? quietFrames + 1 : 0;
      if (quietFrames >= 3) {
        stop();
        window.hyperdefReady = true;
      }
    });
  }

  main().catch(function (error) {
    window.hyperdefError = String((error && error.message) || error);
    showBanner(`Could not load the scene: ${window.hyperdefError}`);
    console.error(error);
  });
})();
