"""Executors: pure functions over a document set's records and narrative (an `Engine`), one per plan
kind (see chatbot.plan), each returning a worded, cited Answer — or None where its figures do not fit."""
