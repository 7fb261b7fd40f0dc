// The dashboard's page: one Server-Sent Events stream from /events (the cookie set by the token link admits it), one
// snapshot a second, rendered into the four tabs. No framework: the page is small and must load with no network beyond the host.
(() => {
  const history = [];
  const $ = id => document.getElementById(id);
  const number = (v, digits = 0) => v === null || v === undefined ? "–" : Number(v).toLocaleString("en-US", { maximumFractionDigits: digits });
  const micro = v => v === null || v === undefined ? "–" : `${number(v, 1)} µs`;
  // Addresses without the transport's scheme: "managed-actors-client@127.0.0.1:40123".
  const short = a => a ? a.replace(/^akka\.[a-z]+\.tcp:\/\//, "") : a;

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text ?? "";
    if (className) td.className = className;
    return td;
  }

  function fill(tableId, rows) {
    const body = $(tableId).querySelector("tbody");
    body.replaceChildren(...rows.map(cells => {
      const tr = document.createElement("tr");
      tr.append(...cells);
      return tr;
    }));
  }

  function render(s) {
    document.body.dataset.sequence = s.sequence;
    $("pulse").textContent = `push ${s.sequence}`;
    if (s.error) { $("address").textContent = s.error; $("address").className = "bad"; return; }
    $("address").textContent = short(s.address);
    const o = s.overview;
    $("calls").textContent = number(o.callsPerSecond);
    $("p50").textContent = micro(o.p50Us);
    $("p99").textContent = micro(o.p99Us);
    $("errors").textContent = number(o.errorsPerSecond, 1);
    $("errors").className = o.errorsPerSecond > 0 ? "value bad" : "value";
    $("parked").textContent = number(o.parked);
    $("sessions").textContent = number(o.sessions);
    $("objectCount").textContent = number(o.objects);
    history.push(o.callsPerSecond);
    if (history.length > 60) history.shift();
    const top = Math.max(1, ...history);
    $("sparkline").setAttribute("points", history.map((v, i) => `${(i * 600) / 59},${78 - (v / top) * 74}`).join(" "));
    fill("methods", s.methods.map(m => [cell(m.method), cell(number(m.callsPerSecond)), cell(number(m.errorsPerSecond, 1), m.errorsPerSecond > 0 ? "bad" : ""), cell(number(m.p50Us, 1)), cell(number(m.p99Us, 1))]));
    fill("objectTable", s.objects.map(x => [
      cell(x.name ?? `${x.id} (anonymous)`), cell(x.kind), cell(number(x.size)), cell(number(x.waiters)), cell(short(x.holder)), cell(x.queueDepth === undefined ? "" : number(x.queueDepth)),
      cell(number(x.callsPerSecond, 1)), cell(number(x.kindP50Us, 1)), cell(x.preview, "value"), cell(x.durability), cell(number(x.restarts), x.restarts > 0 ? "bad" : ""), cell(short(x.host))]));
    // Which host runs an object matters in a cluster only.
    $("objectTable").classList.toggle("solo", s.members.length === 0);
    fill("processTable", s.processes.map(p => [cell(short(p.address)), cell(p.role), cell(number(p.sessions))]));
    const runs = {};
    for (const x of s.objects) if (x.durability === "durable" && x.host) (runs[x.host] ??= []).push(x.name ?? x.id);
    fill("memberTable", s.members.map(m => [cell(m.address + (m.isSelf ? " (this host)" : "")), cell(m.state), cell(m.unreachable ? "no" : "yes", m.unreachable ? "bad" : ""), cell(short(m.clientAddress) ?? "–"), cell((runs[m.clientAddress] ?? []).join(", "))]));
    $("noCluster").style.display = s.members.length ? "none" : "block";
  }

  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", e => {
      e.preventDefault();
      for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
      for (const p of document.querySelectorAll(".page")) p.classList.toggle("active", p.id === tab.dataset.tab);
    });
  }
  const events = new EventSource("/events");
  events.addEventListener("snapshot", e => render(JSON.parse(e.data)));
  events.onerror = () => { $("address").textContent = "connection lost, retrying…"; };
})();
