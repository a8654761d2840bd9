"""Default keywords that tie an ingested item to a topic, keyed by topic slug (editors add
more per topic in Topic.match_phrases; the claim's own key phrases decide a suggestion).

A keyword is a word or phrase matched case-insensitively on word boundaries in an
item's title and summary; a trailing ``*`` matches any ending ("benchmark*" matches
"benchmarks"). Keep them specific: a keyword that every AI article contains ("AI",
"model") would suggest every item for every claim and drown the editors' queue.
"""

TOPIC_KEYWORDS: dict[str, list[str]] = {
    "scaling-walls": [
        "scaling law*", "scale up", "scaling up", "diminishing returns", "hitting a wall",
        "plateau*", "pretraining", "pre-training", "training data", "data wall", "compute-optimal",
        "chinchilla", "parameters", "frontier model*", "benchmark*", "capabilit*", "emergent",
    ],
    "llm-dead-ends": [
        "large language model*", "LLM*", "autoregressive", "next-token", "next token", "world model*",
        "reasoning", "planning", "memory", "continual learning", "hallucinat*", "physical world",
        "embodied", "JEPA",
    ],
    "alphafold-and-science": [
        "AlphaFold*", "protein*", "structure prediction", "drug discovery", "biology", "molecul*",
        "scientific discover*", "AI for science", "materials science", "genom*",
    ],
    "agents-vs-autocomplete": [
        "agent*", "agentic", "coding assistant*", "autocomplete", "code completion", "copilot", "IDE",
        "software engineering", "SWE-bench", "Terminal-Bench", "Claude Code", "Codex", "Cursor",
        "vibe coding", "developer*",
    ],
    "compute-and-energy": [
        "compute", "GPU*", "TPU*", "FLOP*", "data center*", "datacenter*", "energy", "power grid",
        "gigawatt*", "megawatt*", "training cost*", "inference cost*", "NVIDIA", "chips", "accelerator*",
        "AMD", "cluster*",
    ],
    "frontier-lab-race": [
        "OpenAI", "Anthropic", "Google DeepMind", "DeepMind", "Gemini", "Claude", "GPT-*", "xAI", "Grok",
        "Meta AI", "Llama", "DeepSeek", "Qwen", "Mistral", "open-weight*", "open weights", "frontier",
        "state of the art", "state-of-the-art", "recursive self-improvement",
    ],
    "ai-infrastructure-reliability": [
        "outage*", "downtime", "incident*", "failover", "reliability", "uptime", "status page",
        "degraded", "rate limit*", "availability", "redundan*",
    ],
    "architecture-innovation": [
        "architecture*", "transformer*", "attention", "mixture of experts", "mixture-of-experts", "MoE",
        "state space model*", "Mamba", "diffusion model*", "convolution*", "recurrent", "RNN*",
        "neural network design", "novel architecture*",
    ],
    "research-careers": [
        "PhD", "doctoral", "residency", "graduate student*", "curriculum", "career*", "hiring",
        "research scientist*", "university", "universities", "students", "education",
    ],
    "probabilistic-programming": [
        "probabilistic programming", "Bayesian", "variational inference", "generative model*", "Stan",
        "Pyro", "probabilistic model*", "Monte Carlo", "uncertainty",
    ],
    "abstraction-and-accessibility": [
        "accessib*", "democratiz*", "democratis*", "no-code", "low-code", "natural language programming",
        "non-programmers", "makes it easy", "easier to", "abstraction*",
    ],
}

# An item must also be about AI at all: "energy", "protein" or "curriculum" alone would
# pull physics preprints and school news onto AI claims.
AI_TERMS: list[str] = [
    "AI", "A.I.", "AGI", "artificial intelligence", "machine learning", "deep learning", "neural net*",
    "language model*", "LLM*", "GPT*", "ChatGPT", "Copilot", "Codex", "transformer*", "reinforcement learning", "chatbot*", "generative",
    "foundation model*", "fine-tun*", "OpenAI", "Anthropic", "DeepMind", "Claude", "Gemini", "Grok", "Llama",
    "DeepSeek", "Qwen", "Mistral", "AlphaFold", "diffusion model*", "multimodal", "inference", "training run*",
]
