// All of the widget's CSS. It lives inside the shadow root: the host page's rules cannot reach these
// elements and these rules cannot reach the page. Sizes are in px because rem follows the host page.
export const css = `
:host{all:initial!important;display:block!important;position:static!important}
.root{all:initial;--pw-accent:#2563eb;--pw-on-accent:#fff;--pw-side:right;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#111827;
-webkit-font-smoothing:antialiased}
.root *,.root *::before,.root *::after{box-sizing:border-box}
button,textarea{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:2px solid var(--pw-accent);outline-offset:2px}
.bubble{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:56px;height:56px;border:0;border-radius:50%;
background:var(--pw-accent);color:var(--pw-on-accent);box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;padding:0}
.bubble svg{width:28px;height:28px;fill:currentColor}
.left .bubble{right:auto;left:20px}
.panel{position:fixed;bottom:88px;right:20px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 110px);
display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.25);overflow:hidden}
.left .panel{right:auto;left:20px}
.panel[hidden]{display:none}
@media (max-width:480px){.panel{inset:0;width:auto;max-width:none;height:auto;max-height:none;border-radius:0}}
header{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;background:var(--pw-accent);color:var(--pw-on-accent)}
header img{width:32px;height:32px;border-radius:50%;object-fit:cover;background:#fff}
h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.icon{border:0;background:transparent;color:inherit;width:32px;height:32px;border-radius:8px;display:flex;align-items:center;justify-content:center;padding:0}
.icon:hover{background:rgba(127,127,127,.2)}
.icon svg{width:20px;height:20px;fill:currentColor}
.notice{padding:8px 16px;background:#fef3c7;color:#78350f;font-size:13px}
.notice:empty{display:none}
.log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:12px;background:#f9fafb}
.msg{max-width:88%;padding:10px 12px;border-radius:12px;overflow-wrap:anywhere}
.user{align-self:flex-end;background:var(--pw-accent);color:var(--pw-on-accent);white-space:pre-wrap;border-bottom-right-radius:4px}
.bot{align-self:flex-start;background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}
.bot.error{background:#fef2f2;border-color:#fecaca;color:#7f1d1d}
.md p,.md ul,.md ol,.md pre{margin:0 0 8px}
.md>:last-child{margin-bottom:0}
.md ul,.md ol{padding-left:20px}
.md-h{font-weight:600}
.md a{color:var(--pw-accent);text-decoration:underline}
.md code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f4f6;border-radius:4px;padding:1px 4px}
.md pre{background:#111827;color:#f9fafb;border-radius:8px;padding:10px;overflow-x:auto}
.md pre code{background:none;padding:0;color:inherit;white-space:pre}
sup{font-size:11px;line-height:0}
.cite{border:0;background:none;padding:0 1px;color:var(--pw-accent);font-weight:600;font-size:11px}
.typing{color:#6b7280;font-style:italic}
.caret::after{content:"▍";animation:blink 1s steps(2) infinite;color:#9ca3af}
@keyframes blink{50%{opacity:0}}
@media (prefers-reduced-motion:reduce){.caret::after{animation:none}}
details{margin-top:8px;font-size:13px;color:#374151}
summary{cursor:pointer;color:#4b5563}
details ol{margin:6px 0 0;padding-left:20px}
details li{margin-bottom:6px;border-radius:6px}
details li.hl{background:#eff6ff;outline:2px solid var(--pw-accent);outline-offset:2px}
.snippet{display:block;color:#6b7280}
.actions{display:flex;gap:8px;align-items:center;margin-top:8px;flex-wrap:wrap;font-size:13px;color:#4b5563}
.actions button{border:1px solid #d1d5db;background:#fff;border-radius:8px;padding:4px 10px}
.actions button[aria-pressed=true]{background:var(--pw-accent);color:var(--pw-on-accent);border-color:var(--pw-accent)}
.actions button:disabled{opacity:.6;cursor:default}
.comment{display:flex;flex-direction:column;gap:6px;width:100%}
.comment textarea{width:100%;min-height:56px;border:1px solid #d1d5db;border-radius:8px;padding:6px 8px;resize:vertical;background:#fff}
form.composer{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}
.composer textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;max-height:120px;min-height:40px;background:#fff;line-height:1.4}
.composer button{border:0;border-radius:10px;padding:0 14px;background:var(--pw-accent);color:var(--pw-on-accent);font-weight:600}
.composer button:disabled{opacity:.5;cursor:default}
.powered{text-align:center;font-size:11px;color:#9ca3af;padding:0 0 8px;background:#fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
