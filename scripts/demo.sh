#!/usr/bin/env bash
# The main job on the built-in lab: a real fleet of 5 OpenSSH nodes, set up by fleet's playbooks the
# way the seed cluster was (keys, data volumes, code, environments, Redis, node-exporter, firewall,
# workers, API, Prometheus), then a batch of log-analysis jobs through the pipeline.
# The lab stays up afterwards so you can keep using it; `npx fleet lab down` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
fleet() { node dist/cli/main.js "$@"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: the lab needs root (network, mount, uts and pid namespaces); run: sudo npm run demo" >&2
  exit 1
fi

step fleet lab up 5
fleet lab up 5
step fleet lab volumes
fleet lab volumes --size 256
inv=$(fleet lab inventory)
host_addr=$(awk '/^\[host\]/{getline; sub(/.*ansible_host=/, ""); print $1}' "$inv")

step fleet run all -i "$inv" -a hostname --one-line
fleet run all -i "$inv" -a hostname --one-line

extra=(-e fleet_serve_repository=true -e fleet_repo_url=git://node1/fleet.git -e prometheus_scrape_interval=5s)
if [ -n "${FLEET_CAPTION_MODEL_DIR:-}" ]; then
  # A transformers.js image-to-text model on the controller: ship it to the workers, with the
  # caption stack in the release.
  extra+=(-e "fleet_caption_model_src=$FLEET_CAPTION_MODEL_DIR" -e fleet_release_caption=true)
fi
step fleet play playbooks/site.yaml -i "$inv" "${extra[*]}"
fleet play playbooks/site.yaml -i "$inv" "${extra[@]}"

step node dist/pipeline/loadgen.js --api "http://$host_addr:4506" --jobs 300 --plant-every 10
node dist/pipeline/loadgen.js --api "http://$host_addr:4506" --jobs 300 --batch 50 --lines 200 --plant-every 10

step "one analysed log (a planted OOM kill), as GET /jobs/:id returns it"
node --input-type=module -e '
  import { syntheticLog } from "./dist/pipeline/loadgen/synthetic-logs.js";
  const api = process.argv[1];
  const r = await fetch(api + "/jobs", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ handler: "log-analysis", input: { lines: syntheticLog({ count: 40, seed: 7, plant: "oom_kill" }) } }) });
  const { id } = await r.json();
  for (;;) {
    const job = await (await fetch(api + "/jobs/" + id)).json();
    if (job.state === "completed" || job.state === "failed") {
      const out = job.result ?? {};
      console.log(`job ${id}: ${job.state} on ${job.worker} in ${job.latencyMs} ms; severity ${out.severity}; ${out.templates?.length} templates`);
      for (const a of out.anomalies ?? []) console.log(`  ${a.kind}: ${a.lines?.[0]?.slice(0, 110)}`);
      break;
    }
    await new Promise((res) => setTimeout(res, 300));
  }' "http://$host_addr:4506"

if [ -n "${FLEET_CAPTION_MODEL_DIR:-}" ]; then
  step "a caption job: an image uploaded to POST /upload"
  node --input-type=module -e '
    import sharp from "sharp";
    const api = process.argv[1];
    const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 30, g: 120, b: 200 } } }).png().toBuffer();
    const form = new FormData();
    form.append("image", new Blob([png], { type: "image/png" }), "demo.png");
    const { id } = await (await fetch(api + "/upload", { method: "POST", body: form })).json();
    for (;;) {
      const job = await (await fetch(api + "/jobs/" + id)).json();
      if (job.state === "completed" || job.state === "failed") { console.log(JSON.stringify(job.result ?? job.error)); break; }
      await new Promise((res) => setTimeout(res, 500));
    }' "http://$host_addr:4506"
fi

cat <<MSG

The lab is still up: $(fleet lab status | head -1)
  pipeline page:   http://$host_addr:4506/          (upload an image, paste logs)
  workers view:    http://$host_addr:4506/workers
  Prometheus:      http://$host_addr:9090/          (targets: http://$host_addr:9090/targets)
  Grafana files:   /etc/grafana/provisioning/ and /var/lib/grafana/dashboards/ on node1
  inventory:       $inv
  again:           npx fleet play playbooks/site.yaml -i $inv ${extra[*]}   (changes nothing)
  tear down:       npx fleet lab down
MSG
