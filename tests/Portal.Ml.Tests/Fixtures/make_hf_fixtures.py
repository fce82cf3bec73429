#!/usr/bin/env python3
"""Writes Hugging Face parity fixtures into tests/Portal.Ml.Tests/Fixtures/hf/ (run where transformers is installed
and the Hub is reachable: a GPU node or any workstation; CPU is fine).

  pip install torch transformers safetensors
  python3 tests/Portal.Ml.Tests/Fixtures/make_hf_fixtures.py

Writes:
  hf/qwen2/                   tiny random Qwen2ForCausalLM (fp32, GQA, tied) + the Qwen2 tokenizer files
  hf/qwen2_expected.safetensors   input_ids [2, 12] and logits [2, 12, V] from transformers
  hf/bert/                    tiny random BertModel + bge-small-en-v1.5's vocab.txt/tokenizer_config.json
  hf/bert_expected.safetensors    input_ids, attention_mask (second row padded), last_hidden_state
  hf/tokenizer_cases.json     [{"tokenizer": "qwen2"|"bert", "text": ..., "ids": [...]}]
The C# tests (HuggingFaceParityTests) are skipped until these files exist.
"""
import json, os, torch
from safetensors.torch import save_file
from transformers import AutoTokenizer, BertConfig, BertModel, Qwen2Config, Qwen2ForCausalLM

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hf")
TEXTS = [
    "Hello world! Portal answers questions.",
    "知识库问答：上传文档，提出问题。",
    "Emoji 🙂👍🏽 and flags 🇨🇳",
    "  leading, trailing   \n\n\ttabs  and   runs   ",
    "don't I'LL we've 12345 3.14",
    "<|im_start|>user\nhi<|im_end|>\n",
    "Café naïve résumé",
]


def main():
    torch.manual_seed(0)
    os.makedirs(HERE, exist_ok=True)

    qwen_dir = os.path.join(HERE, "qwen2")
    qwen_tok = AutoTokenizer.from_pretrained("Qwen/Qwen2-0.5B-Instruct")
    config = Qwen2Config(vocab_size=len(qwen_tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256, rope_theta=1e6,
                         tie_word_embeddings=True, torch_dtype="float32")
    model = Qwen2ForCausalLM(config).eval()
    model.save_pretrained(qwen_dir, safe_serialization=True)
    qwen_tok.save_pretrained(qwen_dir)
    ids = torch.randint(0, config.vocab_size, (2, 12))
    with torch.no_grad():
        logits = model(input_ids=ids).logits.float().contiguous()
    save_file({"input_ids": ids.contiguous(), "logits": logits}, os.path.join(HERE, "qwen2_expected.safetensors"))

    bert_dir = os.path.join(HERE, "bert")
    bert_tok = AutoTokenizer.from_pretrained("BAAI/bge-small-en-v1.5")
    bconfig = BertConfig(vocab_size=bert_tok.vocab_size, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=128, max_position_embeddings=128)
    bert = BertModel(bconfig, add_pooling_layer=False).eval()
    bert.save_pretrained(bert_dir, safe_serialization=True)
    bert_tok.save_pretrained(bert_dir)
    batch = bert_tok(["portal answers questions", "知识库 short"], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state.contiguous()
    save_file({"input_ids": batch["input_ids"].contiguous(), "attention_mask": batch["attention_mask"].contiguous(),
               "last_hidden_state": hidden}, os.path.join(HERE, "bert_expected.safetensors"))

    cases = [{"tokenizer": "qwen2", "text": t, "ids": qwen_tok.encode(t, add_special_tokens=False)} for t in TEXTS]
    cases += [{"tokenizer": "bert", "text": t, "ids": bert_tok.encode(t, add_special_tokens=True)} for t in TEXTS]
    with open(os.path.join(HERE, "tokenizer_cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
    print(f"wrote fixtures to {HERE}")


if __name__ == "__main__":
    main()
