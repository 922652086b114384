// yanbao upload page: files dropped on the zone or chosen in the input are sent one after
// another to POST /api/reports (the session's CSRF token in X-CSRF-Token), each with a line
// showing its upload progress and then its result as `yanbao ingest` says it. On a shared
// library an upload is queued (202): its job is polled until a worker has stored it.
// Served as a file (the page's Content-Security-Policy allows only script-src 'self').
(function () {
  'use strict';
  var form = document.getElementById('upload-form');
  var input = document.getElementById('file-input');
  var zone = document.getElementById('drop-zone');
  var results = document.getElementById('upload-results');
  if (!form || !input || !zone || !results || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var csrf = form.getAttribute('data-csrf') || '';
  var queue = [];
  var busy = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function reportLink(id, text) {
    var a = el('a', '', text || id);
    a.href = '/reports/' + encodeURIComponent(id);
    return a;
  }

  // One line per file: name, progress bar, status.
  function line(file) {
    var li = el('li', 'upload-line');
    li.appendChild(el('span', 'upload-name', file.name));
    var bar = el('progress', 'upload-progress');
    bar.max = 100;
    bar.value = 0;
    li.appendChild(bar);
    var status = el('span', 'upload-status', '等待 · waiting');
    li.appendChild(status);
    results.appendChild(li);
    return { li: li, bar: bar, status: status };
  }

  function settle(row, kind, parts) {
    row.li.className = 'upload-line ' + kind;
    row.li.setAttribute('data-outcome', kind);
    row.bar.value = 100;
    row.status.textContent = '';
    parts.forEach(function (part) {
      row.status.appendChild(typeof part === 'string' ? document.createTextNode(part) : part);
    });
  }

  // The result of a stored upload (201 added, 200 unchanged) or a failed one.
  function showResult(row, result) {
    if (result.outcome === 'failed') {
      settle(row, 'failed', ['failed: ' + (result.error || 'unknown error')]);
      return;
    }
    var parts = [result.outcome === 'added' ? 'added ' : 'unchanged ', reportLink(result.id, result.title || result.id)];
    if (result.duplicate_of) {
      parts.push(' — same report as ', reportLink(result.duplicate_of));
    }
    settle(row, result.outcome, parts);
  }

  function errorText(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.error && body.error.message) { return body.error.message; }
    } catch (e) { /* not JSON */ }
    return 'HTTP ' + xhr.status;
  }

  // A queued upload on a shared library: ask where its job stands until it is done or failed.
  function poll(row, url, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.onload = function () {
      if (xhr.status !== 200) {
        settle(row, 'failed', ['failed: ' + errorText(xhr)]);
        done();
        return;
      }
      var job = JSON.parse(xhr.responseText);
      if (job.state === 'done') {
        showResult(row, { outcome: job.outcome === 'added' ? 'added' : 'unchanged', id: job.report_id });
        done();
      } else if (job.state === 'failed') {
        settle(row, 'failed', ['failed: ' + (job.error || 'unknown error')]);
        done();
      } else {
        row.status.textContent = (job.state === 'running' ? '解析中 · parsing' : '排队中 · queued') + ' (job ' + job.id + ')';
        setTimeout(function () { poll(row, url, done); }, 1000);
      }
    };
    xhr.onerror = function () {
      settle(row, 'failed', ['failed: the server cannot be reached']);
      done();
    };
    xhr.send();
  }

  function upload(item, done) {
    var row = item.row;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/reports');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        var percent = Math.round(event.loaded * 100 / event.total);
        row.bar.value = percent;
        row.status.textContent = '上传中 · uploading ' + percent + '%';
      }
    };
    xhr.upload.onload = function () {
      row.status.textContent = '解析中 · parsing';
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 202 && body && body.status_url) {
        row.status.textContent = '排队中 · queued (job ' + body.job + ')';
        poll(row, body.status_url, done);
        return;
      }
      if ((xhr.status === 200 || xhr.status === 201 || xhr.status === 422) && body && body.outcome) {
        showResult(row, body);
      } else {
        settle(row, 'failed', ['failed: ' + errorText(xhr)]);
      }
      done();
    };
    xhr.onerror = function () {
      settle(row, 'failed', ['failed: the server cannot be reached']);
      done();
    };
    var data = new FormData();
    data.append('file', item.file, item.file.name);
    xhr.send(data);
  }

  function next() {
    if (busy || queue.length === 0) { return; }
    busy = true;
    upload(queue.shift(), function () {
      busy = false;
      next();
    });
  }

  function add(files) {
    for (var i = 0; i < files.length; i++) {
      queue.push({ file: files[i], row: line(files[i]) });
    }
    next();
  }

  input.addEventListener('change', function () {
    add(input.files);
    input.value = '';
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    add(input.files);
    input.value = '';
  });
  ['dragenter', 'dragover'].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove('dragging');
    });
  });
  zone.addEventListener('drop', function (event) {
    if (event.dataTransfer && event.dataTransfer.files) {
      add(event.dataTransfer.files);
    }
  });
  form.classList.add('scripted');
})();
