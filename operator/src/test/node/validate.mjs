// Validates Kubernetes objects against the Kubernetes OpenAPI schemas (npm kubernetes-models), and
// PodMonitors, PrometheusRules and Karpenter's kinds against their CRDs' schemas (@kubernetes-models/*).
// Usage: node validate.mjs OBJECTS.json   (a List, as `keks render -o json` prints)
// Prints one line per object: "ok Kind/name" or "invalid Kind/name: why"; exits 1 if any is invalid.
import { readFileSync } from "node:fs";

const list = JSON.parse(readFileSync(process.argv[2], "utf8"));
let invalid = 0;
for (const obj of list.items) {
  const id = `${obj.kind}/${obj.metadata?.name}`;
  // core groups from kubernetes-models; the Prometheus operator's and Karpenter's from their packages
  const group = obj.apiVersion.includes("/") ? obj.apiVersion.split("/")[0] : "";
  const module = group === "monitoring.coreos.com" ? "@kubernetes-models/prometheus-operator/" + obj.apiVersion
    : group.startsWith("karpenter.") ? "@kubernetes-models/karpenter/" + obj.apiVersion
    : "kubernetes-models/" + obj.apiVersion;
  let Kind;
  try {
    Kind = (await import(module))[obj.kind];
  } catch (e) {
    Kind = undefined;
  }
  if (!Kind) {
    console.log(`invalid ${id}: no schema for ${obj.apiVersion} ${obj.kind}`);
    invalid++;
    continue;
  }
  try {
    new Kind(obj).validate();
    console.log(`ok ${id}`);
  } catch (e) {
    console.log(`invalid ${id}: ${e.message.replace(/\s+/g, " ")}`);
    invalid++;
  }
}
process.exit(invalid === 0 ? 0 : 1);
