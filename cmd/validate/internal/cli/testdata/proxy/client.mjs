// A client of the Affinity API in Node (20 or later, fetch), as a team's integration
// would be, used by proxy_clients_test.go: run against validate mock directly and
// through validate proxy, it must print the same. Usage: node client.mjs BASE_URL KEY
const [base, key] = [process.argv[2].replace(/\/$/, ""), process.argv[3]];
const auth = "Basic " + Buffer.from(":" + key).toString("base64");
const results = [];

async function call(method, path, body) {
  const headers = { Authorization: auth };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* a text body stays text */ }
  results.push({ call: method + " " + path, status: r.status, content_type: r.headers.get("content-type"), body: parsed });
  return parsed;
}

await call("GET", "/organizations?page_size=2"); // the mock's planted answer
const page = await call("GET", "/organizations?page_size=2");
await call("GET", "/organizations/" + page.organizations[0].id);
await call("GET", "/lists");
await call("POST", "/organizations", { name: "Client Co", domain: "client.example" });
await call("GET", "/organizations/999999");
console.log(JSON.stringify(results, null, 1));
