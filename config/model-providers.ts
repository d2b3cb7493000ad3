// The model providers the CodeWhale runtime can talk to, as data: one row per provider.
//
// Source: upstream CodeWhale crates/config/src/provider_kind.rs (and the per-provider descriptors it
// points at) at v0.9.10, as transcribed in shared/reference/codewhale-runtime-contract.md, section
// "Providers". Rows are in that table's order; test/model-providers.test.ts parses the table and checks
// this file against it row by row, so edit both together. Like upstream, adding a provider is one row:
// no per-provider code lives here.
//
// Why each field exists:
// - id / aliases: what `CODEWHALE_PROVIDER` (or `provider = "..."` in config.toml) accepts; we validate the
//   user's choice against them and always write the canonical id. Only the aliases the contract lists are
//   here (upstream's serde accepts more spellings; we do not need to).
// - apiKeyEnv: the env vars the runtime reads the key from, in upstream's order; we write the first one.
// - baseUrlEnv: provider-specific base-URL overrides the runtime honours (`CODEWHALE_BASE_URL` always works
//   and is not repeated). Note a key from the environment is only sent to the official endpoint: for any
//   other base URL we also write `[providers.<id>] base_url/api_key_env` into ~/.codewhale/config.toml.
// - defaultBaseUrl / defaultModel: what the runtime uses when nothing is configured; shown in docs and used
//   to decide whether an override differs from the official endpoint.
// - keyless: the runtime sends no key unless config.toml names one, so the API key is optional.
// - unusable: upstream cannot serve the provider headless; config validation rejects it with this reason.
// - note: facts a user must know (OAuth impossible headless, shared env vars, ...), shown in docs/errors.

export interface ModelProvider {
  /** Upstream id, exactly as upstream spells it (`siliconflow-CN` keeps its case). */
  readonly id: string;
  readonly displayName: string;
  /** Alternative names the runtime accepts for this provider, e.g. moonshot: ["kimi"]. */
  readonly aliases: readonly string[];
  /** API key env vars the runtime reads, in order; the first is the canonical one we write. */
  readonly apiKeyEnv: readonly string[];
  /** Provider-specific base URL env vars (CODEWHALE_BASE_URL always works and is not listed). */
  readonly baseUrlEnv: readonly string[];
  /** The official endpoint; "" when it must be configured (custom). */
  readonly defaultBaseUrl: string;
  /** The runtime's default model; "" when it must be configured (custom). */
  readonly defaultModel: string;
  /** The runtime sends no key unless config.toml names one (vllm, sglang, ollama on localhost): the API key is optional. */
  readonly keyless: boolean;
  /** Set when upstream cannot serve this provider headless; the config rejects it with this reason. */
  readonly unusable?: string;
  /** Extra facts a user must know, shown in docs/errors (e.g. OAuth not possible headless: key only). */
  readonly note?: string;
}

const OAUTH_HEADLESS =
  "OAuth sign-in cannot complete on a headless server: treat this provider as key-only and supply";

/** Upstream's 42 catalog ids (41 named providers plus `custom`, which upstream counts too), in the doc's order. */
export const modelProviders: readonly ModelProvider[] = Object.freeze([
  { id: "deepseek", displayName: "DeepSeek", aliases: [], apiKeyEnv: ["DEEPSEEK_API_KEY"], baseUrlEnv: ["DEEPSEEK_BASE_URL"], defaultBaseUrl: "https://api.deepseek.com/beta", defaultModel: "deepseek-v4-pro", keyless: false },
  { id: "nvidia-nim", displayName: "NVIDIA NIM", aliases: [], apiKeyEnv: ["NVIDIA_API_KEY", "NVIDIA_NIM_API_KEY", "DEEPSEEK_API_KEY"], baseUrlEnv: ["NVIDIA_NIM_BASE_URL", "NIM_BASE_URL", "NVIDIA_BASE_URL"], defaultBaseUrl: "https://integrate.api.nvidia.com/v1", defaultModel: "deepseek-ai/deepseek-v4-pro", keyless: false, note: "Falls back to DEEPSEEK_API_KEY when no NVIDIA key is set." },
  { id: "openai", displayName: "OpenAI-compatible", aliases: [], apiKeyEnv: ["OPENAI_API_KEY"], baseUrlEnv: ["OPENAI_BASE_URL"], defaultBaseUrl: "https://api.openai.com/v1", defaultModel: "deepseek-v4-pro", keyless: false },
  { id: "atlascloud", displayName: "AtlasCloud", aliases: [], apiKeyEnv: ["ATLASCLOUD_API_KEY"], baseUrlEnv: ["ATLASCLOUD_BASE_URL"], defaultBaseUrl: "https://api.atlascloud.ai/v1", defaultModel: "deepseek-ai/deepseek-v4-flash", keyless: false },
  { id: "wanjie-ark", displayName: "Wanjie Ark", aliases: [], apiKeyEnv: ["WANJIE_ARK_API_KEY", "WANJIE_API_KEY", "WANJIE_MAAS_API_KEY"], baseUrlEnv: ["WANJIE_ARK_BASE_URL", "WANJIE_BASE_URL", "WANJIE_MAAS_BASE_URL"], defaultBaseUrl: "https://maas-openapi.wanjiedata.com/api/v1", defaultModel: "deepseek-reasoner", keyless: false },
  { id: "volcengine", displayName: "Volcengine Ark", aliases: [], apiKeyEnv: ["VOLCENGINE_API_KEY", "VOLCENGINE_ARK_API_KEY", "ARK_API_KEY"], baseUrlEnv: ["VOLCENGINE_BASE_URL", "VOLCENGINE_ARK_BASE_URL", "ARK_BASE_URL"], defaultBaseUrl: "https://ark.cn-beijing.volces.com/api/coding/v3", defaultModel: "DeepSeek-V4-Pro", keyless: false },
  { id: "openrouter", displayName: "OpenRouter", aliases: [], apiKeyEnv: ["OPENROUTER_API_KEY"], baseUrlEnv: ["OPENROUTER_BASE_URL"], defaultBaseUrl: "https://openrouter.ai/api/v1", defaultModel: "deepseek/deepseek-v4-pro", keyless: false },
  { id: "orcarouter", displayName: "OrcaRouter", aliases: [], apiKeyEnv: ["ORCAROUTER_API_KEY"], baseUrlEnv: ["ORCAROUTER_BASE_URL"], defaultBaseUrl: "https://api.orcarouter.ai/v1", defaultModel: "deepseek/deepseek-v4-pro", keyless: false },
  { id: "xiaomi-mimo", displayName: "Xiaomi MiMo", aliases: ["xiaomi", "mimo"], apiKeyEnv: ["XIAOMI_MIMO_TOKEN_PLAN_API_KEY", "MIMO_TOKEN_PLAN_API_KEY", "XIAOMI_MIMO_API_KEY", "XIAOMI_API_KEY", "MIMO_API_KEY"], baseUrlEnv: ["XIAOMI_MIMO_BASE_URL", "MIMO_BASE_URL"], defaultBaseUrl: "https://token-plan-sgp.xiaomimimo.com/v1", defaultModel: "mimo-v2.5-pro", keyless: false, note: "Defaults to the token-plan endpoint; the pay-as-you-go endpoint is https://api.xiaomimimo.com/v1 (selected with XIAOMI_MIMO_MODE or a base URL override)." },
  { id: "novita", displayName: "Novita AI", aliases: [], apiKeyEnv: ["NOVITA_API_KEY"], baseUrlEnv: ["NOVITA_BASE_URL"], defaultBaseUrl: "https://api.novita.ai/openai/v1", defaultModel: "deepseek/deepseek-v4-pro", keyless: false },
  { id: "fireworks", displayName: "Fireworks AI", aliases: [], apiKeyEnv: ["FIREWORKS_API_KEY"], baseUrlEnv: ["FIREWORKS_BASE_URL"], defaultBaseUrl: "https://api.fireworks.ai/inference/v1", defaultModel: "accounts/fireworks/models/deepseek-v4-pro", keyless: false },
  { id: "siliconflow", displayName: "SiliconFlow", aliases: [], apiKeyEnv: ["SILICONFLOW_API_KEY"], baseUrlEnv: ["SILICONFLOW_BASE_URL"], defaultBaseUrl: "https://api.siliconflow.com/v1", defaultModel: "deepseek-ai/DeepSeek-V4-Pro", keyless: false },
  { id: "siliconflow-CN", displayName: "SiliconFlow (China)", aliases: [], apiKeyEnv: ["SILICONFLOW_API_KEY"], baseUrlEnv: ["SILICONFLOW_BASE_URL"], defaultBaseUrl: "https://api.siliconflow.cn/v1", defaultModel: "deepseek-ai/DeepSeek-V4-Pro", keyless: false, note: "Shares SILICONFLOW_API_KEY and SILICONFLOW_BASE_URL with siliconflow." },
  { id: "arcee", displayName: "Arcee AI", aliases: ["arcee-ai"], apiKeyEnv: ["ARCEE_API_KEY"], baseUrlEnv: ["ARCEE_BASE_URL"], defaultBaseUrl: "https://api.arcee.ai/api/v1", defaultModel: "trinity-large-thinking", keyless: false },
  { id: "moonshot", displayName: "Moonshot/Kimi", aliases: ["kimi"], apiKeyEnv: ["MOONSHOT_API_KEY", "KIMI_API_KEY"], baseUrlEnv: ["MOONSHOT_BASE_URL", "KIMI_BASE_URL"], defaultBaseUrl: "https://api.moonshot.ai/v1", defaultModel: "kimi-k2.7-code", keyless: false },
  { id: "sglang", displayName: "SGLang", aliases: [], apiKeyEnv: ["SGLANG_API_KEY"], baseUrlEnv: ["SGLANG_BASE_URL"], defaultBaseUrl: "http://localhost:30000/v1", defaultModel: "deepseek-ai/DeepSeek-V4-Pro", keyless: true },
  { id: "vllm", displayName: "vLLM", aliases: [], apiKeyEnv: ["VLLM_API_KEY"], baseUrlEnv: ["VLLM_BASE_URL"], defaultBaseUrl: "http://localhost:8000/v1", defaultModel: "deepseek-ai/DeepSeek-V4-Pro", keyless: true },
  { id: "ollama", displayName: "Ollama", aliases: [], apiKeyEnv: ["OLLAMA_API_KEY"], baseUrlEnv: ["OLLAMA_BASE_URL"], defaultBaseUrl: "http://localhost:11434/v1", defaultModel: "deepseek-v4-flash", keyless: true, note: "Keyless on localhost. Upstream docs name deepseek-coder:1.3b as the default model; the code uses deepseek-v4-flash." },
  { id: "ollama-cloud", displayName: "Ollama Cloud", aliases: [], apiKeyEnv: ["OLLAMA_CLOUD_API_KEY", "OLLAMA_API_KEY"], baseUrlEnv: ["OLLAMA_CLOUD_BASE_URL"], defaultBaseUrl: "https://ollama.com/v1", defaultModel: "gpt-oss:120b", keyless: false, note: "Falls back to OLLAMA_API_KEY, which the local ollama provider also reads." },
  { id: "huggingface", displayName: "Hugging Face", aliases: ["hf"], apiKeyEnv: ["HUGGINGFACE_API_KEY", "HF_TOKEN"], baseUrlEnv: ["HUGGINGFACE_BASE_URL", "HF_BASE_URL"], defaultBaseUrl: "https://router.huggingface.co/v1", defaultModel: "deepseek-ai/DeepSeek-V4-Pro", keyless: false },
  { id: "together", displayName: "Together AI", aliases: [], apiKeyEnv: ["TOGETHER_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.together.xyz/v1", defaultModel: "deepseek-ai/DeepSeek-V4-Pro", keyless: false },
  { id: "qianfan", displayName: "Baidu Qianfan", aliases: [], apiKeyEnv: ["QIANFAN_API_KEY", "BAIDU_QIANFAN_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.baiduqianfan.ai/v1", defaultModel: "ernie-4.0-turbo-8k", keyless: false },
  { id: "openai-codex", displayName: "OpenAI Codex (ChatGPT)", aliases: [], apiKeyEnv: ["OPENAI_CODEX_ACCESS_TOKEN", "CODEX_ACCESS_TOKEN"], baseUrlEnv: [], defaultBaseUrl: "https://chatgpt.com/backend-api", defaultModel: "gpt-5.6", keyless: false, note: `${OAUTH_HEADLESS} an access token in OPENAI_CODEX_ACCESS_TOKEN.` },
  { id: "anthropic", displayName: "Anthropic", aliases: [], apiKeyEnv: ["ANTHROPIC_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.anthropic.com", defaultModel: "claude-sonnet-4-6", keyless: false },
  { id: "openmodel", displayName: "OpenModel", aliases: [], apiKeyEnv: ["OPENMODEL_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.openmodel.ai", defaultModel: "deepseek-v4-flash", keyless: false },
  { id: "zai", displayName: "Zhipu AI / Z.ai", aliases: ["zhipu", "glm"], apiKeyEnv: ["ZAI_API_KEY", "Z_AI_API_KEY", "ZHIPU_API_KEY", "GLM_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.z.ai/api/coding/paas/v4", defaultModel: "GLM-5.3", keyless: false },
  { id: "stepfun", displayName: "StepFun / StepFlash", aliases: [], apiKeyEnv: ["STEPFUN_API_KEY", "STEP_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.stepfun.ai/v1", defaultModel: "step-3.7-flash", keyless: false },
  { id: "minimax", displayName: "MiniMax", aliases: [], apiKeyEnv: ["MINIMAX_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.minimax.io/v1", defaultModel: "MiniMax-M3", keyless: false },
  { id: "deepinfra", displayName: "DeepInfra", aliases: [], apiKeyEnv: ["DEEPINFRA_API_KEY", "DEEPINFRA_TOKEN"], baseUrlEnv: [], defaultBaseUrl: "https://api.deepinfra.com/v1/openai", defaultModel: "deepseek-ai/DeepSeek-V4-Pro", keyless: false },
  { id: "sakana", displayName: "Sakana AI (Fugu)", aliases: ["fugu"], apiKeyEnv: ["FUGU_API_KEY", "SAKANA_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.sakana.ai/v1", defaultModel: "fugu", keyless: false },
  { id: "longcat", displayName: "Meituan LongCat", aliases: [], apiKeyEnv: ["LONGCAT_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "https://api.longcat.chat/openai/v1", defaultModel: "LongCat-2.0", keyless: false },
  { id: "opencode-go", displayName: "OpenCode Go", aliases: [], apiKeyEnv: ["OPENCODE_GO_API_KEY"], baseUrlEnv: ["OPENCODE_GO_BASE_URL"], defaultBaseUrl: "https://opencode.ai/zen/go/v1", defaultModel: "deepseek-v4-pro", keyless: false },
  { id: "opencode-zen", displayName: "OpenCode Zen", aliases: [], apiKeyEnv: ["OPENCODE_ZEN_API_KEY", "OPENCODE_API_KEY"], baseUrlEnv: ["OPENCODE_ZEN_BASE_URL"], defaultBaseUrl: "https://opencode.ai/zen/v1", defaultModel: "gpt-5.6", keyless: false },
  { id: "meta", displayName: "Meta Model API", aliases: [], apiKeyEnv: ["META_MODEL_API_KEY", "MODEL_API_KEY"], baseUrlEnv: ["META_MODEL_API_BASE_URL", "MODEL_API_BASE_URL"], defaultBaseUrl: "https://api.meta.ai/v1", defaultModel: "muse-spark-1.2", keyless: false },
  { id: "xai", displayName: "xAI", aliases: ["grok"], apiKeyEnv: ["XAI_API_KEY"], baseUrlEnv: ["XAI_BASE_URL"], defaultBaseUrl: "https://api.x.ai/v1", defaultModel: "grok-4.6", keyless: false, note: `${OAUTH_HEADLESS} an API key in XAI_API_KEY.` },
  { id: "mistral", displayName: "Mistral AI", aliases: [], apiKeyEnv: ["MISTRAL_API_KEY"], baseUrlEnv: ["MISTRAL_BASE_URL"], defaultBaseUrl: "https://api.mistral.ai/v1", defaultModel: "mistral-code-latest", keyless: false },
  { id: "telecomjs", displayName: "TelecomJS TokenHub", aliases: ["tokenhub"], apiKeyEnv: ["TELECOMJS_API_KEY"], baseUrlEnv: ["TELECOMJS_BASE_URL"], defaultBaseUrl: "https://aigw.telecomjs.com/v1", defaultModel: "deepseek-v4-pro", keyless: false },
  { id: "modelstudio-token-plan", displayName: "Alibaba Cloud Model Studio", aliases: [], apiKeyEnv: ["MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"], baseUrlEnv: ["MODELSTUDIO_TOKEN_PLAN_BASE_URL"], defaultBaseUrl: "https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1", defaultModel: "qwen3.8-max", keyless: false },
  { id: "google", displayName: "Google Gemini", aliases: ["gemini"], apiKeyEnv: ["GOOGLE_API_KEY", "GEMINI_API_KEY"], baseUrlEnv: ["GOOGLE_BASE_URL", "GEMINI_BASE_URL"], defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta/openai/", defaultModel: "gemini-3.1-pro-preview", keyless: false },
  { id: "antigravity", displayName: "Google Antigravity", aliases: [], apiKeyEnv: ["ANTIGRAVITY_API_KEY"], baseUrlEnv: ["ANTIGRAVITY_BASE_URL"], defaultBaseUrl: "https://cloudcode-pa.googleapis.com/v1internal", defaultModel: "gemini-3-pro-preview", keyless: false, unusable: "upstream CodeWhale fails every antigravity request closed, so it cannot serve a session; use the google provider for Gemini" },
  { id: "edenai", displayName: "Eden AI", aliases: [], apiKeyEnv: ["EDENAI_API_KEY"], baseUrlEnv: ["EDENAI_BASE_URL"], defaultBaseUrl: "https://api.edenai.run/v3", defaultModel: "deepseek/deepseek-v4-pro", keyless: false },
  { id: "custom", displayName: "Custom (OpenAI-compatible)", aliases: [], apiKeyEnv: ["CODEWHALE_CUSTOM_API_KEY"], baseUrlEnv: [], defaultBaseUrl: "", defaultModel: "", keyless: false, note: "No built-in endpoint, model or key variable: base URL and model must be configured. We write [providers.<name>] kind = \"openai-compatible\" with base_url, model and api_key_env = \"CODEWHALE_CUSTOM_API_KEY\" (our choice of variable) into config.toml; the key itself stays in the env file." },
]);

export const modelProviderIds: readonly string[] = Object.freeze(modelProviders.map((p) => p.id));

/**
 * The provider named by `idOrAlias`: an exact id or alias first, then a case-insensitive match of either
 * (as upstream's ProviderKind::parse does), always returning the canonical row. Surrounding whitespace is
 * ignored. Undefined when nothing matches.
 */
export function findModelProvider(idOrAlias: string): ModelProvider | undefined {
  const name = idOrAlias.trim();
  const lower = name.toLowerCase();
  return (
    modelProviders.find((p) => p.id === name) ??
    modelProviders.find((p) => p.aliases.includes(name)) ??
    modelProviders.find((p) => p.id.toLowerCase() === lower || p.aliases.some((a) => a.toLowerCase() === lower))
  );
}
