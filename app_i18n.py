"""Gradio's own text (settings panel, chat and table buttons, upload box, errors) in Chinese for every
browser: gradio picks its strings by the browser's language, so its Simplified Chinese strings
(app_gradio_zh.json, taken from gradio's own zh-CN bundle, flattened) are given as the translation of
every language gradio knows and of English, its fallback for all others."""
from __future__ import annotations

import json
from pathlib import Path

import gradio as gr

ZH = json.loads((Path(__file__).resolve().parent / "app_gradio_zh.json").read_text(encoding="utf-8"))
# the languages gradio 6 ships translations for (its frontend's lang/*.json)
LOCALES = ("en", "ar", "ca", "ckb", "de", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "id", "ja", "ko", "lt",
           "nb", "nl", "pl", "pt-BR", "pt", "ro", "ru", "sv", "ta", "th", "tr", "uk", "ur", "uz", "zh-CN", "zh-TW")


def chinese_everywhere() -> gr.I18n:
    """gradio's strings in Simplified Chinese whatever the browser's language."""
    return gr.I18n(**{locale: ZH for locale in LOCALES})
