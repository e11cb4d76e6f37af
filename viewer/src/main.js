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

  // Frame the threats' whole flight, looking straight down; the home button returns here.
  function frameThreats(viewer, packets) {
    const points = [];
    for (const packet of packets) {
      const samples = packet.id.startsWith("threat/") && packet.position && packet.position.cartesian;
      for (let i = 0; samples && i + 3 < samples.length; i += 4) {
        points.push(new Cesium.Cartesian3(samples[i + 1], samples[i + 2], samples[i + 3]));
      }
    }
    if (points.length === 0) return;
    const sphere = Cesium.BoundingSphere.fromPoints(points);
    const offset = new Cesium.HeadingPitchRange(0, -Cesium.Math.PI_OVER_TWO,
      Math.max(4 * sphere.radius, 3.0e6));
    viewer.camera.viewBoundingSphere(sphere, offset);
    viewer.camera.lookAtTransform(Cesium.Matrix4.IDENTITY);
    viewer.homeButton.viewModel.command.beforeExecute.addEventListener(function (event) {
      event.cancel = true;
      viewer.camera.flyToBoundingSphere(sphere, { offset: offset, duration: 1.0 });
    });
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
    frameThreats(viewer, packets);
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
