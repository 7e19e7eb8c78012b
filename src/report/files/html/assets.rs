//! The page's inline style and script: the report stays one file that opens offline.

/// The style sheet.
pub(super) const STYLE: &str = "\
:root{--pass:#1a7f37;--fail:#cf222e;--error:#bc4c00;--skip:#6e7781;--line:#d0d7de}\
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1.5em;color:#1f2328}\
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid var(--line)}\
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid var(--line);padding:.25em .6em;text-align:left}\
th{background:#f6f8fa}dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:.6em 0}\
dl.meta dt{color:#57606a}dl.meta dd{margin:0}\
.badge{display:inline-block;padding:.1em .6em;border-radius:1em;color:#fff;font-weight:600}\
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}\
td.pass,td.fail,td.skip{white-space:nowrap}td.pass{background:#dafbe1}td.fail{background:#ffebe9}td.skip{background:#f6f8fa;color:#57606a}td.none{color:#8c959f}\
td a{color:inherit;text-decoration:none}td a:hover{text-decoration:underline}\
details.case{margin:.25em 0;border-left:4px solid var(--line);padding-left:.6em}\
details.case.pass{border-color:var(--pass)}details.case.fail{border-color:var(--fail)}\
details.case.error{border-color:var(--error)}details.case.skip{border-color:var(--skip)}\
.st{font-weight:700;display:inline-block;min-width:3.4em}.st.pass{color:var(--pass)}.st.fail{color:var(--fail)}\
.st.error{color:var(--error)}.st.skip{color:var(--skip)}\
a.anchor{color:#8c959f;text-decoration:none;margin:0 .3em}\
pre{background:#f6f8fa;padding:.6em;overflow:auto;white-space:pre-wrap;word-break:break-word}\
.add{color:#116329}.del{color:#82071e}summary{cursor:pointer}code{font-size:90%}\
details.x{margin:.3em 0}details.x.failing>summary{color:var(--fail);font-weight:600}\
.filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid var(--line);z-index:1}\
.filters select,.filters input{margin-right:.4em}.muted{color:#57606a}";

/// Filters (status, level, service, operation, tag, search; also from the query
/// string, e.g. `report.html?status=fail`), cells that set them, lazy case bodies,
/// and anchors that open their case.
pub(super) const SCRIPT: &str = r#"(function(){
const keys=["status","level","service","operation","tag","q"];
const ctl={};for(const k of keys)ctl[k]=document.getElementById("f-"+k);
const cases=Array.from(document.querySelectorAll("details.case"));
const shown=document.getElementById("f-count");
function open(d){const t=d.querySelector(":scope>template");if(t){d.appendChild(t.content);t.remove();}}
function apply(){
  const v={};for(const k of keys)v[k]=ctl[k].value.trim().toLowerCase();
  let n=0;
  for(const c of cases){const d=c.dataset;
    const ok=(!v.status||d.status===v.status)&&(!v.level||d.level===v.level)&&(!v.service||d.service===v.service)
      &&(!v.operation||d.operation===v.operation.toLowerCase())&&(!v.tag||(" "+d.tags+" ").includes(" "+v.tag+" "))
      &&(!v.q||d.search.includes(v.q));
    c.hidden=!ok;if(ok)n++;}
  shown.textContent=n+" of "+cases.length+" cases";
}
for(const k of keys)ctl[k].addEventListener("input",apply);
document.addEventListener("click",function(e){const a=e.target.closest("[data-set]");if(!a)return;e.preventDefault();
  const s=JSON.parse(a.dataset.set);for(const k of keys)ctl[k].value=s[k]||"";apply();
  document.getElementById("cases").scrollIntoView();});
document.addEventListener("toggle",function(e){if(e.target.open&&e.target.classList.contains("case"))open(e.target);},true);
const params=new URLSearchParams(location.search);for(const k of keys)if(params.has(k))ctl[k].value=params.get(k);
apply();
function hash(){const id=decodeURIComponent(location.hash.slice(1));const el=id&&document.getElementById(id);
  if(el&&el.classList.contains("case")){el.hidden=false;el.open=true;open(el);el.scrollIntoView();}}
window.addEventListener("hashchange",hash);hash();
})();"#;
