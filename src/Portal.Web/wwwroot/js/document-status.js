// Live document status: polls the list endpoint every second while anything is unfinished (and
// after an upload), and redraws the table with textContent only, never HTML from the server.
(() => {
  const body = document.getElementById('documents');
  if (!body) return;
  const knowledgeBase = body.dataset.kb;
  const finished = new Set(['Indexed', 'Failed']);
  let timer = null;

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text ?? '';
    return td;
  }

  function render(items) {
    const rows = items.map(d => {
      const tr = document.createElement('tr');
      tr.dataset.id = d.id;
      const name = document.createElement('td');
      const link = document.createElement('a');
      link.href = `documents/${d.id}`;
      link.textContent = d.name;
      name.append(link);
      const status = cell(d.status);
      if (d.error) {
        const error = document.createElement('span');
        error.className = 'text-danger small';
        error.textContent = ` (${d.errorReason}: ${d.error})`;
        status.append(error);
      }
      tr.append(name, cell(d.format), status, cell(d.chunkCount), cell(d.pageCount),
        cell(d.timings?.totalMs != null ? `${d.timings.totalMs} ms` : ''));
      return tr;
    });
    body.replaceChildren(...rows);
  }

  async function poll() {
    timer = null;
    try {
      const response = await fetch(`/api/v1/knowledge-bases/${knowledgeBase}/documents?take=200`, { credentials: 'same-origin' });
      if (!response.ok) return;
      const page = await response.json();
      render(page.items);
      if (page.items.some(d => !finished.has(d.status))) schedule();
    } catch {
      schedule();
    }
  }

  function schedule() {
    if (timer === null) timer = setTimeout(poll, 1000);
  }

  window.addEventListener('portal:documents-changed', schedule);
  schedule();
})();
