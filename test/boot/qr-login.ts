/**
 * The first-start QR login of a bridge that has one (Weixin), done the way the pairing steps tell the owner:
 * read the link from the bridge's journal over SSH as the admin (`ssh <admin>@<host> sudo journalctl -u <unit>`;
 * the steps say `-f`, which a test cannot wait on), then "scan" it on the fake platform, as the owner's phone would.
 */
import { ADMIN_KEY, type BootedHost } from "./boot-host";

/** Bridges that log in by QR code at their first start (no credential in the config). */
export const QR_LOGIN_BRIDGES: ReadonlySet<string> = new Set(["weixin"]);

const SSH_OPTS = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5"];

/** Reads the QR link over SSH, confirms it on the fake platform; returns the code. */
export async function scanFirstStartQr(h: BootedHost): Promise<string> {
  const unit = h.p.spec.bridge.unitName;
  let code = "";
  await h.c.waitFor(
    async () => {
      const r = await h.c.exec(["ssh", ...SSH_OPTS, "-i", ADMIN_KEY, `${h.p.payload.sshLoginUser}@127.0.0.1`, "sudo", "journalctl", "-u", unit, "--no-pager", "-o", "cat"], { timeoutMs: 20_000 });
      code = /\/fixture-weixin\/qr\/(\w+)/.exec(r.stdout)?.[1] ?? "";
      return code !== "";
    },
    60_000,
    { what: `the QR login link in ${unit}'s journal, read over SSH as the pairing steps say` },
  );
  await h.c.exec(["curl", "-fsS", "-m", "5", "-X", "POST", "-H", "content-type: application/json", "--data-binary", JSON.stringify({ qrcode: code }), `${h.platformUrl}/fixture/weixin/scan`], { check: true });
  return code;
}
