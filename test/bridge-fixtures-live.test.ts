/**
 * The WeCom and Weixin bridge TEST FIXTURES (test/fixtures/boot/bridge-repo) against the fake platform
 * (test/fixtures/fake-chat-platform.ts), without booting: the WeCom SDK fixture authenticates with the configured
 * bot only and gives up as the SDK does; the Weixin bridge fixture logs in by QR code once, keeps the login in
 * WEIXIN_STATE_DIR (owner-only), and resumes it on its next start without a new code. The boot test runs the same
 * fixtures on a booted host.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeChatPlatform, type FakeChatPlatform } from "./fixtures/fake-chat-platform";
import { BRIDGE_INTEGRATIONS } from "./support/bridge-fixtures";

const BOT_ID = "aibFixtureBot0123";
const BOT_SECRET = "fixtureWecomSecret0123456789";
const TOKEN = "liveFixtureRuntimeToken0123456789abcdef";

let fake: FakeChatPlatform;
let runtime: Server;
let runtimeUrl: string;
beforeAll(async () => {
  fake = await startFakeChatPlatform({ wecomBotId: BOT_ID, wecomBotSecret: BOT_SECRET });
  // The runtime's /v1/runtime/info, as the bridge fixtures probe it (auth required, this token only).
  runtime = createServer((req, res) => {
    const ok = req.url === "/v1/runtime/info" && req.headers.authorization === `Bearer ${TOKEN}`;
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end(JSON.stringify(ok ? { auth_required: true, codewhale_version: "0.9.9" } : { error: "unauthorized" }));
  });
  await new Promise<void>((r) => runtime.listen(0, "127.0.0.1", r));
  runtimeUrl = `http://127.0.0.1:${(runtime.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  await new Promise((r) => runtime.close(r));
});

const state = async () => (await (await fetch(`${fake.url}/fixture/state`)).json()) as { wsOpen: number; weixinCodes: string[]; weixinToken: string };

interface SdkClient {
  connect(): void;
  disconnect(): void;
  on(event: string, f: (...a: unknown[]) => void): void;
  fixtureState: string;
}
async function sdk(): Promise<{ WSClient: new (o: Record<string, unknown>) => SdkClient }> {
  return (await import(pathToFileURL(path.join(BRIDGE_INTEGRATIONS, "wecom-bridge", "vendor", "wecom-aibot-sdk-fixture", "index.mjs")).href)) as never;
}

describe("the WeCom SDK fixture (stand-in for @wecom/aibot-node-sdk 1.0.7)", () => {
  it("authenticates with the configured bot and holds its connection", async () => {
    const { WSClient } = await sdk();
    const client = new WSClient({ botId: BOT_ID, secret: BOT_SECRET, wsUrl: `${fake.url}/fixture-wecom` });
    const authenticated = new Promise((r) => client.on("authenticated", r));
    client.on("error", () => {});
    client.connect();
    await authenticated;
    expect(client.fixtureState).toBe("authenticated");
    expect((await state()).wsOpen).toBeGreaterThan(0);
    client.disconnect();
  });

  it("is refused with another secret, retries maxAuthFailureAttempts times with back-off, then gives up with no connection", async () => {
    const { WSClient } = await sdk();
    const before = (await state()).wsOpen;
    const client = new WSClient({ botId: BOT_ID, secret: "wrongSecret0123456789", wsUrl: `${fake.url}/fixture-wecom`, maxAuthFailureAttempts: 2, reconnectInterval: 10 });
    const errors: string[] = [];
    client.on("error", (e) => errors.push(String((e as Error).message)));
    client.connect();
    const deadline = Date.now() + 10_000;
    while (client.fixtureState !== "given-up" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(client.fixtureState).toBe("given-up");
    expect(errors.filter((e) => e.startsWith("Authentication failed")).length).toBe(3);
    expect((await state()).wsOpen).toBe(before);
  });

  it("dials nothing with its built-in wss:// URL (the tests have no network)", async () => {
    const { WSClient } = await sdk();
    const client = new WSClient({ botId: BOT_ID, secret: BOT_SECRET });
    client.connect();
    expect(client.fixtureState).toBe("no-network");
  });
});

describe("the Weixin bridge fixture: QR login once, the login kept in WEIXIN_STATE_DIR", () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), "weixin-state-"));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
  const start = (): { child: ChildProcess; out: () => string } => {
    let out = "";
    const child = spawn(process.execPath, ["src/index.mjs"], {
      cwd: path.join(BRIDGE_INTEGRATIONS, "weixin-bridge"),
      env: { PATH: process.env.PATH ?? "", CODEWHALE_RUNTIME_URL: runtimeUrl, CODEWHALE_RUNTIME_TOKEN: TOKEN, WEIXIN_STATE_DIR: stateDir, WEIXIN_THREAD_MAP_PATH: `${stateDir}/thread-map.json`, CODEWHALE_FIXTURE_ILINK_LOGIN_BASE: fake.url },
    });
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    return { child, out: () => out };
  };
  const until = async (cond: () => boolean, what: string, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null ? r(null) : (child.once("exit", r), child.kill("SIGTERM"))));

  it("prints the QR link, waits for the scan, saves the login owner-only and polls with it", async () => {
    const { child, out } = start();
    try {
      await until(() => /\/fixture-weixin\/qr\/(\w+)/.test(out()), "the QR link");
      expect(out(), "not ready before the scan").not.toContain(" ready: ");
      const code = /\/fixture-weixin\/qr\/(\w+)/.exec(out())![1]!;
      await fetch(`${fake.url}/fixture/weixin/scan`, { method: "POST", body: JSON.stringify({ qrcode: code }) });
      await until(() => out().includes(" ready: "), "ready");
      const file = path.join(stateDir, "account.json");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const token = (await state()).weixinToken;
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ token, baseUrl: fake.url });
      expect(out(), "the bot token is not logged").not.toContain(token);
      await until(() => out().includes("notifyStart: OK"), "notifystart");
    } finally {
      await stop(child);
    }
  });

  it("resumes the saved login on its next start: no new QR code", async () => {
    const codes = (await state()).weixinCodes.length;
    const { child, out } = start();
    try {
      await until(() => out().includes(" ready: "), "ready");
      expect(out()).toContain("Loaded existing bot account");
      expect(out()).not.toContain("/fixture-weixin/qr/");
      expect((await state()).weixinCodes.length).toBe(codes);
    } finally {
      await stop(child);
    }
  });

  it("exits 1 without a runtime token, naming both names it reads", async () => {
    const r = spawn(process.execPath, ["src/index.mjs"], { cwd: path.join(BRIDGE_INTEGRATIONS, "weixin-bridge"), env: { PATH: process.env.PATH ?? "" } });
    let err = "";
    r.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise((res) => r.once("exit", res));
    expect({ code, err: err.trim() }).toEqual({ code: 1, err: "Missing required env: one of CODEWHALE_RUNTIME_TOKEN, DEEPSEEK_RUNTIME_TOKEN" });
  });
});
