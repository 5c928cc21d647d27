// Peregrine demo page: pick a model, send an image to POST /v1/models/{name}/detect, draw the boxes on a canvas.
// Plain browser JavaScript, no framework and no build step.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const modelSelect = $('model');
  const confInput = $('conf');
  const confValue = $('conf-value');
  const keyInput = $('api-key');
  const fileInput = $('file');
  const drop = $('drop');
  const statusLine = $('status');
  const result = $('result');
  const canvas = $('canvas');
  const timingBody = $('timing').querySelector('tbody');
  const detectionList = $('detections');
  const countLabel = $('count');

  // Distinct, readable class colours (cycled by class id).
  const PALETTE = ['#ff3b30', '#1f77ff', '#34c759', '#ff9500', '#af52de', '#00c7be', '#ffcc00', '#ff2d55',
    '#5856d6', '#8e8e93', '#a2845e', '#30b0c7', '#64d2ff', '#bf5af2', '#ff6482', '#32d74b'];
  const colorOf = (classId) => PALETTE[((classId % PALETTE.length) + PALETTE.length) % PALETTE.length];

  let lastFile = null;

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle('error', Boolean(isError));
  }

  function headers(extra) {
    const h = Object.assign({}, extra);
    const key = keyInput.value.trim();
    if (key) {
      h['X-API-Key'] = key;
    }
    return h;
  }

  async function errorMessage(response) {
    try {
      const body = await response.json();
      return body.message || body.error || response.statusText;
    } catch (e) {
      return response.status + ' ' + response.statusText;
    }
  }

  async function loadModels() {
    const response = await fetch('/v1/models', { headers: headers() });
    if (!response.ok) {
      setStatus('Cannot list models: ' + await errorMessage(response)
        + (response.status === 401 ? ' (enter the API key above)' : ''), true);
      return;
    }
    const body = await response.json();
    modelSelect.replaceChildren();
    for (const m of body.models) {
      const option = document.createElement('option');
      option.value = m.name;
      option.textContent = m.name + (m.state === 'ready' ? '' : ' (' + m.state + ')')
        + (m.engine ? ' — ' + m.engine : '');
      modelSelect.appendChild(option);
    }
    const ready = body.models.filter((m) => m.state === 'ready').length;
    setStatus(body.models.length === 0 ? 'No models are served.'
      : ready + ' of ' + body.models.length + ' model(s) ready. Drop an image to detect objects.');
  }

  async function detect(file) {
    lastFile = file;
    const model = modelSelect.value;
    if (!model) {
      setStatus('No model to send the image to.', true);
      return;
    }
    result.dataset.state = 'running';
    setStatus('Detecting with ' + model + '…');
    const type = file.type && file.type.startsWith('image/') ? file.type : 'image/jpeg';
    const url = '/v1/models/' + encodeURIComponent(model) + '/detect?conf=' + encodeURIComponent(confInput.value);
    let response;
    try {
      response = await fetch(url, { method: 'POST', headers: headers({ 'Content-Type': type }), body: file });
    } catch (e) {
      fail('Request failed: ' + e.message);
      return;
    }
    if (!response.ok) {
      fail(response.status + ': ' + await errorMessage(response));
      return;
    }
    const body = await response.json();
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch (e) {
      fail('The browser cannot display this image, but the server answered: '
        + body.images[0].detections.length + ' detections.');
      return;
    }
    render(bitmap, body.images[0]);
    setStatus(body.images[0].detections.length + ' object(s) found by ' + body.model + ' in '
      + body.images[0].timing_ms.total.toFixed(1) + ' ms.');
  }

  function fail(message) {
    result.dataset.state = 'error';
    result.dataset.error = message;
    setStatus(message, true);
  }

  function render(bitmap, image) {
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const line = Math.max(2, Math.round((bitmap.width + bitmap.height) / 2 * 0.003));
    const fontSize = Math.max(12, line * 6);
    ctx.font = '600 ' + fontSize + 'px system-ui, sans-serif';
    ctx.textBaseline = 'top';

    detectionList.replaceChildren();
    for (const d of image.detections) {
      const color = colorOf(d.class_id);
      const b = d.box;
      ctx.lineWidth = line;
      ctx.strokeStyle = color;
      ctx.strokeRect(b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1);
      const label = d.class_name + ' ' + d.score.toFixed(2);
      const textWidth = ctx.measureText(label).width + 2 * line;
      const textHeight = fontSize + line;
      // Label above the box, or inside it when the box touches the top edge.
      const ty = b.y1 - textHeight >= 0 ? b.y1 - textHeight : b.y1;
      ctx.fillStyle = color;
      ctx.fillRect(b.x1 - line / 2, ty, textWidth, textHeight);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(label, b.x1 + line / 2, ty + line / 2);

      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = color;
      item.append(swatch, label + '  [' + [b.x1, b.y1, b.x2, b.y2].map((v) => Math.round(v)).join(', ') + ']');
      detectionList.appendChild(item);
    }

    timingBody.replaceChildren();
    for (const stage of ['preprocess', 'queue', 'inference', 'postprocess', 'total']) {
      const row = document.createElement('tr');
      const name = document.createElement('td');
      const value = document.createElement('td');
      name.textContent = stage;
      value.textContent = Number(image.timing_ms[stage]).toFixed(2);
      row.append(name, value);
      timingBody.appendChild(row);
    }
    countLabel.textContent = '(' + image.detections.length + ')';
    result.hidden = false;
    // Read by the headless-browser test: how many boxes were drawn, and that rendering finished.
    result.dataset.detections = String(image.detections.length);
    result.dataset.width = String(image.width);
    result.dataset.height = String(image.height);
    delete result.dataset.error;
    result.dataset.state = 'done';
  }

  confInput.addEventListener('input', () => { confValue.textContent = Number(confInput.value).toFixed(2); });
  confInput.addEventListener('change', () => { if (lastFile) detect(lastFile); });
  modelSelect.addEventListener('change', () => { if (lastFile) detect(lastFile); });
  keyInput.addEventListener('change', loadModels);
  fileInput.addEventListener('change', () => { if (fileInput.files.length > 0) detect(fileInput.files[0]); });

  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) detect(file);
  });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') fileInput.click(); });

  loadModels().catch((e) => setStatus('Cannot reach the server: ' + e.message, true));
})();
