// Verify a Steward Desk signed file with jose, as a league's Discord bot or website would.
// Usage: node verify.mjs SIGNED.json KEY.jwk
// Prints the payload and exits 0 when the signature holds; prints the reason and exits 1 when not.
import { readFile } from "node:fs/promises";
import { flattenedVerify, generalVerify, importJWK } from "jose";

const [docPath, jwkPath] = process.argv.slice(2);
if (!docPath || !jwkPath) {
  console.error("usage: node verify.mjs SIGNED.json KEY.jwk");
  process.exit(2);
}

try {
  const doc = JSON.parse(await readFile(docPath, "utf8"));
  const jwk = JSON.parse(await readFile(jwkPath, "utf8"));
  const key = await importJWK(jwk, "Ed25519");
  // Accept only Ed25519 (RFC 9864); jose refuses crit/b64 it does not understand on its own.
  const options = { algorithms: ["Ed25519"] };
  const result = doc.signatures
    ? await generalVerify(doc, key, options)
    : await flattenedVerify(doc, key, options);
  if (result.protectedHeader.kid !== jwk.kid) {
    throw new Error(`signed by kid ${result.protectedHeader.kid}, expected ${jwk.kid}`);
  }
  const payload = JSON.parse(new TextDecoder().decode(result.payload));
  console.log(JSON.stringify({ ok: true, cty: result.protectedHeader.cty, payload }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: `${error.code ?? error.name}: ${error.message}` }));
  process.exit(1);
}
