#!/usr/bin/env python3
"""Merge an English translation file {"中文": "English", ...} into the app's
tables: en.json gets the English text, zh.json the Chinese key itself.
Usage: scripts/merge-translations.py new.json  (run from the repository root)"""
import json, sys

new = json.load(open(sys.argv[1], encoding="utf-8"))
for code in ("en", "zh"):
    path = "assets/translations/%s.json" % code
    table = json.load(open(path, encoding="utf-8"))
    for k, v in new.items():
        table[k] = v if code == "en" else k
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True))
