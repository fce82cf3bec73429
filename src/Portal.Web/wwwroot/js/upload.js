// Drag-and-drop upload with per-file progress. One request per file, so each file has its own
// progress bar and its own outcome (202, 413, 415). Cookie-authenticated, so every POST carries
// the antiforgery token the page rendered.
(() => {
  const zone = document.getElementById('upload-zone');
  if (!zone) return;
  const knowledgeBase = zone.dataset.kb;
  const token = document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? '';
  const input = zone.querySelector('input[type=file]');
  const list = document.getElementById('upload-progress');
  const queue = [];
  let running = 0;
  const parallel = 3;

  function enqueue(files) {
    for (const file of files) queue.push({ file, row: addRow(file) });
    pump();
  }

  function addRow(file) {
    const li = document.createElement('li');
    li.className = 'mb-1';
    const name = document.createElement('span');
    name.textContent = file.name + ' ';
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement('span');
    status.className = 'ms-2 small';
    status.textContent = 'waiting';
    li.append(name, bar, status);
    list.append(li);
    return { bar, status };
  }

  function pump() {
    while (running < parallel && queue.length > 0) {
      running++;
      send(queue.shift()).finally(() => { running--; pump(); });
    }
  }

  function send({ file, row }) {
    return new Promise(resolve => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/v1/knowledge-bases/${knowledgeBase}/documents`);
      xhr.setRequestHeader('RequestVerificationToken', token);
      xhr.upload.onprogress = e => {
        if (e.lengthComputable) row.bar.value = Math.round(e.loaded * 100 / e.total);
        row.status.textContent = 'uploading';
      };
      xhr.onload = () => {
        if (xhr.status === 202) {
          row.bar.value = 100;
          const document = JSON.parse(xhr.responseText).documents[0];
          row.status.textContent = document.duplicateOf ? 'already in this knowledge base' : 'queued';
          window.dispatchEvent(new Event('portal:documents-changed'));
        } else {
          let problem = {};
          try { problem = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
          row.status.textContent = `refused (${xhr.status}): ${problem.detail ?? xhr.statusText}`;
          row.status.classList.add('text-danger');
        }
        resolve();
      };
      xhr.onerror = () => {
        row.status.textContent = 'network error';
        row.status.classList.add('text-danger');
        resolve();
      };
      const form = new FormData();
      form.append('files', file, file.name);
      xhr.send(form);
    });
  }

  zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('border-primary'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('border-primary'));
  zone.addEventListener('drop', e => {
    e.preventDefault();
    zone.classList.remove('border-primary');
    enqueue(e.dataTransfer.files);
  });
  input.addEventListener('change', () => { enqueue(input.files); input.value = ''; });
})();
