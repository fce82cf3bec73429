// Uploads through the portal's HTTP endpoint (never over the circuit), one request per file so each has its own
// progress and outcome (202, 413, 415). Cookie-authenticated, so every POST carries the antiforgery token.
export function attach(zone, input, knowledgeBase, token, component) {
  const queue = [];
  const parallel = 3;
  let running = 0;
  let next = 0;

  function enqueue(files) {
    for (const file of files) {
      const index = next++;
      component.invokeMethodAsync('Added', index, file.name, file.size);
      queue.push({ file, index });
    }
    pump();
  }

  function pump() {
    while (running < parallel && queue.length > 0) {
      running++;
      send(queue.shift()).finally(() => { running--; pump(); });
    }
  }

  function send({ file, index }) {
    return new Promise(resolve => {
      const xhr = new XMLHttpRequest();
      let reported = -1;
      xhr.open('POST', `/api/v1/knowledge-bases/${knowledgeBase}/documents`);
      xhr.setRequestHeader('RequestVerificationToken', token);
      xhr.upload.onprogress = e => {
        if (!e.lengthComputable) return;
        const percent = Math.floor(e.loaded * 100 / e.total);
        if (percent - reported >= 10 || percent === 100) {
          reported = percent;
          component.invokeMethodAsync('Progress', index, percent);
        }
      };
      xhr.onload = () => {
        if (xhr.status === 202) {
          const document = JSON.parse(xhr.responseText).documents[0];
          component.invokeMethodAsync('Accepted', index, document.id, document.status, document.duplicateOf ?? null);
        } else {
          let problem = {};
          try { problem = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
          component.invokeMethodAsync('Refused', index, xhr.status, problem.detail ?? xhr.statusText);
        }
        resolve();
      };
      xhr.onerror = () => { component.invokeMethodAsync('Refused', index, 0, 'network error'); resolve(); };
      const form = new FormData();
      form.append('files', file, file.name);
      xhr.send(form);
    });
  }

  const over = e => { e.preventDefault(); zone.classList.add('upload-zone-over'); };
  const leave = () => zone.classList.remove('upload-zone-over');
  const drop = e => { e.preventDefault(); leave(); enqueue(e.dataTransfer.files); };
  const change = () => { enqueue(input.files); input.value = ''; };
  zone.addEventListener('dragover', over);
  zone.addEventListener('dragleave', leave);
  zone.addEventListener('drop', drop);
  input.addEventListener('change', change);
  return {
    dispose() {
      zone.removeEventListener('dragover', over);
      zone.removeEventListener('dragleave', leave);
      zone.removeEventListener('drop', drop);
      input.removeEventListener('change', change);
    },
  };
}
