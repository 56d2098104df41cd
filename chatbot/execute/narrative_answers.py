"""Answers from the narrative: changes against last year (stated or computed), last year's figures,
and the sentence that states what was asked — quoted, with the figure read from it."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chatbot.execute.prior import (
    FoundChange,
    amount_before,
    answer_change,
    answer_prior_year,
    is_prior_level_question,
    stated_changes,
    strip_prior_words,
)
from chatbot.link.catalog import strip_place
from chatbot.link.figures import Resolution
from chatbot.link.narrative import (
    MIN_COVERAGE,
    NarrativeIndex,
    Sentence,
    extract_values,
    plain,
)
from chatbot.understand.query import Query, normalize_question
from chatbot.wording.compose import cite_sentence
from chatbot.wording.refusals import refuse

from ..answer import Answer, Value

if TYPE_CHECKING:
    from ..engine import Engine


_ITEM_MARKS = re.compile(r"（[类款项]）")


_SUBJECTLESS = re.compile(r"^(?:(?:与|和|同|较|比)(?:上年|去年|上一年|(?:19|20)\d\d年)"
                          r"|(?:19|20)\d\d年(?:当年)?(?:预算)?执行数)")   # 「2025年当年预算执行数为60.41万元，…」


SUBJECT_LOOKBACK = 2   # sentences before a subjectless one searched for what it is about


def prior_year_asked(engine: Engine, q: Query) -> int | None:
    """The year before a stored one, when the question asks an amount of it (「2023年的三公经费」,
    「去年的收入预算」) and names nothing else the store lacks."""
    years = {d.year for d in engine.documents if d.year}
    if not years or any(not engine.known_org(o) for o in q.scope.orgs) or \
            any(k not in {d.kind for d in engine.documents} and k != "预算" for k in q.scope.kinds):
        return None
    change_words = engine.patterns["change_question"]
    missing = sorted({y for y in q.scope.years if y not in years})
    if missing:
        one = len(missing) == 1 and len(set(q.scope.years)) == 1 and missing[0] + 1 in years
        return missing[0] if one and not any(w in q.text for w in change_words) else None
    if not q.scope.years and is_prior_level_question(q.text, change_words):
        return max(years) - 1
    return None


def prior_year(engine: Engine, q: Query, year: int) -> Answer:
    """Last year's amount: the stored document of that year when there is one, else derived from the
    change the next year's narrative states (said so), else not found."""
    plain_question = strip_prior_words(normalize_question(q.question), year)
    if year in {d.year for d in engine.documents}:
        answer = engine.ask(f"{year}年{plain_question}")
        answer.question = q.question
        return answer
    q2 = engine.understand(plain_question)
    docs = {d.id for d in engine.documents if d.year == year + 1}
    res = engine.resolver.resolve(q2, docs)
    found = _find_change(engine, q2, res, docs, strict=True)
    if found is not None and found.previous is not None:
        return answer_prior_year(q.question, found, year)
    name = found.name if found else _subject_name(engine, q2, res)
    return refuse("prior_year_underivable", q.question, "refusal", year=year, holdings=engine.holdings(),
                  next_year=year + 1, name=name or "此项")


def stated_change(engine: Engine, q: Query, res: Resolution, docs: set[int]) -> Answer:
    """「三公经费比上年增加多少」: the change as the narrative states it for what the question names."""
    found = _find_change(engine, q, res, docs, strict=False)
    if found is None:
        name = _subject_name(engine, q, res)
        return refuse("change_not_stated", q.question, "change", name=name or "此项", holdings=engine.holdings())
    asks_previous = re.search(engine.patterns["previous_year"], q.text) is not None
    asks_rate = any(w in q.text for w in engine.patterns["percent_words"])
    return answer_change(q.question, found, asks_previous, asks_rate)


def _find_change(engine: Engine, q: Query, res: Resolution, docs: set[int], strict: bool) -> FoundChange | None:
    """The best sentence stating a change of what the question names (every named thing in the
    sentence before the change, or in its section's title); `strict`: against last year, said."""
    groups = _subject_groups(engine, q, res)
    if not groups:
        return None
    nav = engine.narrative
    nq = _narrative_query(engine, q)
    retrieved = nav.retrieve(nq, None)
    ids = retrieved + [c.id for c in nav.chunks if c.document_id in docs and c.id not in retrieved]
    year_of = {d.id: d.year for d in engine.documents}
    by_title: FoundChange | None = None
    subjectless = [x for x in engine.sentences if x.document_id in docs and _SUBJECTLESS.match(plain(x.text))]
    for s in [c.sentence for c in nav.best(nq, ids, engine.patterns)] + subjectless:
        s = _with_subject(engine, s)
        year = year_of.get(s.document_id)
        if s.document_id not in docs or (strict and not year):
            continue
        text, leaf = plain(s.text), plain(s.section.split(" › ")[-1])
        changes = [c for c in stated_changes(text)
                   if (not strict or c.against_year((year or 0) - 1))
                   and _names_all(_ITEM_MARKS.sub("", leaf + text[:c.start] + c.what), groups)
                   and (not c.what or engine.lexicon.canonical(c.what) in q.canonical or c.what in q.text)]
        if not changes:
            continue
        name = _subject_name(engine, q, res, qualified=not any(c.what for c in changes))
        found = _with_current(engine, FoundChange(s, changes, name or "", year), res, text)
        # a sentence naming the item itself (「住房保障（类）支出…增加2627.95万元」) before one that only
        # stands under its title (「住房公积金（项）…增加481.1万元」 in 「（三）住房保障支出（类）」)
        if any(_names_all(_ITEM_MARKS.sub("", text[:c.start] + c.what), groups) for c in changes):
            return found
        if not any(_names_another_item(engine, text[:c.start], groups) for c in changes):
            by_title = by_title or found   # 「比上年增加…」 under the item's title, naming nothing else
    return by_title


def _names_another_item(engine: Engine, head: str, groups: list[list[str]]) -> bool:
    """The words before a change name an item other than the asked one (「1．因公出国（境）费预算支出160万元，
    比上年预算减少10万元」 under a title naming 三公经费): the change is that item's."""
    clause = plain(_ITEM_MARKS.sub("", head))
    asked = {n for g in groups for n in g}
    terms = [t for t in (*engine.lexicon.terms, *engine.catalog.by_label) if len(t) >= 4 and t in clause]
    return any(not any(t in n or n in t for n in asked) for t in terms)


def _with_subject(engine: Engine, s: Sentence) -> Sentence:
    """A sentence that states a change without naming what changed (「与上年相比增加2627.95万元」), joined
    to the sentence before it that names it (「住房保障（类）支出7344.46万元，主要用于…。」)."""
    if not _SUBJECTLESS.match(plain(s.text)) or s.index == 0:
        return s
    before = [b for i in range(SUBJECT_LOOKBACK, 0, -1)
              if (b := engine.sentences_by_place.get((s.document_id, s.section, s.index - i))) is not None]
    return replace(before[0], text="".join(b.text for b in before) + s.text) if before else s


def _with_current(engine: Engine, found: FoundChange, res: Resolution, text: str) -> FoundChange:
    """This year's amount: the table figure the question names (when the sentence does not state
    another), else the amount stated before the change."""
    change = found.amount_change
    head = amount_before(text, change) if change is not None else None
    fig = next((f for f in res.figures if not f.secondary and f.unit == "万元"), None)
    if fig is not None and (head is None or head == fig.value):
        found.current, found.current_figure = fig.value, fig
    else:
        found.current = head
    return found


def _subject_groups(engine: Engine, q: Query, res: Resolution) -> list[list[str]]:
    """For each thing the question names, the words the narrative may call it by (printed label,
    label without place, the question's own words, the lexicon's everyday names)."""
    groups = []
    for m in res.mentions:
        names = {m.phrase, q.canonical[m.start:m.end]}
        if len(m.rows) <= 4:
            names |= {n for r in m.rows for n in (r.key, strip_place(r.key))}
        names |= {a for a, canon in engine.lexicon.aliases.items() if canon in names}
        groups.append(sorted(n for n in names if len(n) >= 2))
    if not groups:
        word = _subject_word(engine, q)
        if word:
            groups.append([word])
    return groups


def _subject_word(engine: Engine, q: Query) -> str | None:
    """The question's longest content word that is not about time or change (「机关运行经费」)."""
    skip = [*engine.patterns["change_question"], "去年", "上年", "今年", "本年"]
    words = [t for t in engine.narrative.content_tokens(q.text) if not any(w in t for w in skip)]
    return max(words, key=len) if words else None


def _subject_name(engine: Engine, q: Query, res: Resolution, qualified: bool = True) -> str | None:
    fig = next((f for f in res.figures if not f.secondary), None)
    if fig is None:
        return _subject_word(engine, q)
    return fig.label + (fig.qualifier if qualified else "")


def narrative_sentence(engine: Engine, q: Query, must_contain: tuple[str, ...]) -> Any:
    ids = engine.narrative.retrieve(q, None)
    for s in engine.narrative.best(q, ids, engine.patterns):
        if all(w in s.sentence.text for w in must_contain):
            return s.sentence
    return None


def _other_terms(engine: Engine, text: str) -> list[str]:
    """Budget items (the lexicon's terms of three characters or more) the question does not say; the funding
    scopes (财政拨款, 一般公共预算 …) qualify an amount and name no other item."""
    scopes = {*engine.patterns["scope_words"], *engine.patterns["narrower_scopes"]}
    items = {*engine.lexicon.aliases.values(), *engine.lexicon.concepts}   # not the dictionary's 支出预算 …
    return [t for t in items if len(t) >= 3 and t not in text
            and not any(w in t or t in w for w in scopes if not w.startswith("_"))]


def _narrative_query(engine: Engine, q: Query) -> Query:
    text = q.text
    for said, written in engine.patterns["narrative_synonyms"].items():
        if not said.startswith("_"):
            text = text.replace(said, written)
    return replace(q, text=text)


def narrative_answer(engine: Engine, q: Query, res: Resolution | None = None) -> Answer:
    nav = engine.narrative
    nq = _narrative_query(engine, q)
    ids = nav.retrieve(nq, engine.vector_search if engine.use_vectors else None)
    ranked = [r for r in nav.best(nq, ids, engine.patterns) if r.coverage >= MIN_COVERAGE]
    if not ranked or not _meaningful(ranked[0].matched, nav, ranked[0].sentence.text):
        return refuse("nothing_related", q.question, "narrative", holdings=engine.holdings())
    why = any(w in q.text for w in engine.patterns["why"])
    explain = any(w in q.text for w in engine.patterns["explain"])
    wants_number = (q.asks_number or q.measure is not None) and not explain
    best, values = ranked[0], []
    if not explain or q.operation == "change":
        # what the question says and does not: the same for every sentence tried
        asked_terms = [t for t in engine.lexicon.terms if len(t) >= 5 and t in nq.text]
        narrower = [w for w in engine.patterns["narrower_scopes"] if w not in q.text]
        others = _other_terms(engine, nq.text)
        # a 决算 asked, or a 决算's figure asked without saying 预算 (the budget, not a fund's name:
        # 「一般公共预算」): its budget figures are not the answer
        said = re.sub("|".join(map(re.escape, engine.patterns["fund_names"]["names"])), "", q.text)
        final = "决算" in q.text or ("预算" not in said and bool(engine.documents)
                                   and all(d.kind == "决算" for d in engine.documents))
        for cand in ranked[:6 if wants_number else 1]:
            if cand.score < ranked[0].score - 4:
                break
            found = extract_values(nq, cand.sentence.text, _as_asked(cand.matched, nq.text, asked_terms),
                                   narrower, others, final)
            if found:
                best, values = cand, [Value(label, num, unit) for label, num, unit in found]
                break
    quoted = [best.sentence]
    nxt = next((s for s in nav.sentences if s.section == best.sentence.section
                and s.index == best.sentence.index + 1), None)
    if nxt is not None and explain and (nxt.text.startswith("主要") or (
            why and not any(w in best.sentence.text for w in engine.patterns["reason_words"]))):
        quoted.append(nxt)
    section = quoted[0].section.split(" › ")[-1]
    cites = [cite_sentence(s) for s in quoted]
    focus = sorted(best.matched, key=len, reverse=True)
    if not values and wants_number and any(w in best.sentence.text for w in engine.patterns["narrative_none"]):
        values = [Value(focus[0], "0", "万元")]    # 「本部门年初不编制因公出国（境）费用预算」: none budgeted
    if not values and wants_number:
        return refuse("passage_without_figure", q.question, "narrative", cites, section=section, page=quoted[0].page,
                      focus=focus[0])
    lead = "；".join(f"{v.label}{'：' if v.label else ''}{v.value}{v.unit}" for v in values)
    text = "".join(s.text for s in quoted)
    breakdown = any(w in q.text for w in engine.patterns["breakdown"]["words"])
    if explain or why or breakdown:      # an explanation's figures are the amounts it quotes, as printed
        values += [v for v in quoted_amounts(text) if (v.value, v.unit) not in {(x.value, x.unit) for x in values}]
    answer = (f"{lead}。" if lead else "") + f"据「{section}」（第{quoted[0].page}页）：「{text}」"
    operation = "change" if q.operation == "change" else "explanation" if explain or why else "narrative"
    return Answer(q.question, answer, True, values, cites, operation=operation)


_QUOTED_AMOUNT = re.compile(r"([\u4e00-\u9fff“”\"]{0,12}?)(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|亿元|元)")


def quoted_amounts(text: str) -> list[Value]:
    """The amounts a quoted passage states, in order, each labelled by the words right before it."""
    return [Value(m.group(1).strip("“”\"").lstrip("为是共约达"), m.group(2).replace(",", ""), m.group(3))
            for m in _QUOTED_AMOUNT.finditer(text)]


def _as_asked(matched: list[str], question: str, terms: Sequence[str] = ()) -> list[str]:
    """The matched words, longest first, with the stretches of the question they cover side by side (one
    character between at most: 服务类采购 of 服务 + 采购) joined: the amount stands after the item as
    asked, not after a word of it (「收入」 alone names no item). The ends of four characters or more of
    those stretches and of the budget `terms` the question says are kept too (运行经费 of 机关运行经费)."""
    words = list(dict.fromkeys(matched))
    spans = sorted((m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), question))
    runs: list[list[int]] = []
    for start, end in spans:
        if runs and start <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    joined = [question[a:b] for a, b in runs if question[a:b] not in words and b - a >= 3]
    stretches = [*terms, *(question[a:b] for a, b in runs if b - a >= 5)]   # 运行经费 of 机关运行经费 too
    ends = [x[:n] for x in stretches for n in range(4, len(x))] + [x[-n:] for x in stretches for n in range(4, len(x))]
    return sorted(dict.fromkeys([*joined, *ends, *words]), key=len, reverse=True)


def _names_all(text: str, groups: list[list[str]]) -> bool:
    """Each group has a name in the text."""
    return all(any(n in text for n in names) for names in groups)


def _meaningful(matched: list[str], nav: NarrativeIndex, sentence: str = "") -> bool:
    """At least one matched word is specific (not something every sentence says), or a term of four
    characters or more the sentence itself says (「机关运行经费」, common in a section titled with it)."""
    said = plain(sentence)
    return any(nav.idf.get(t, nav.max_idf) > 1.0 or (len(t) >= 4 and t in said) for t in matched)
