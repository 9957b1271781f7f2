"""The assistant on the real corpus index: retrieval robustness, cited answers, refusals, follow-ups, labels."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.conversation import expand_shortened, is_follow_up, place_scope, resolve

ROOT = Path(__file__).resolve().parents[1]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def source_text(document_id: str) -> str:
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text())["documents"]
    entry = next(d for d in manifest if d["id"] == document_id)
    return (ROOT / "corpus" / entry["file"]).read_text(encoding="utf-8")


def top_ids(assistant, query: str, k: int = 3) -> list[str]:
    return [h.chunk.chunk_id for h in assistant.retriever.search(query, k=k)]


def test_abbreviation_and_its_expansion_find_the_same_passages(assistant):
    short = top_ids(assistant, "wat moet er in het PIP staan?", k=5)
    long = top_ids(assistant, "wat moet er in het persoonlijk plan inburgering en participatie staan?", k=5)
    assert set(short) & set(long)
    routes = [top_ids(assistant, f"hoeveel uur taal zit in de {r}?", k=3)
              for r in ("z route", "Z-route", "zelfredzaamheidsroute")]
    assert set(routes[0]) & set(routes[1]) & set(routes[2])


def test_informal_input_lower_case_typos_and_abbreviations(assistant):
    hits = assistant.retriever.search("is een turkse inburgeringsplichtge statushouder verplicht", k=3)
    assert any("Turkse" in h.chunk.section or "Turk" in h.chunk.text for h in hits)
    hits = assistant.retriever.search("kot voor inburgeraar met kinderen", k=3)
    assert any("Kinderopvangtoeslag" in h.chunk.section for h in hits)


def test_answer_is_extractive_cited_and_dated(assistant):
    answer = assistant.ask("Hoeveel uur moet iemand in de Z-route aan participatie doen?")
    assert not answer.refused and answer.citations
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}
    for c in answer.citations:
        assert c.quote in c.text  # the quote is verbatim from the passage
        assert norm(c.text) in norm(source_text(c.document_id))  # the passage is verbatim from the source
        assert source_text(c.document_id)[c.start:c.end] == c.text
        # every sentence of the answer (labels aside) is the quote of its citation
        assert norm(c.quote) in norm(answer.answer)
    first = answer.citations[0]
    # Two Q&A entries state it (the Z-route entry and the one on dual routes); the first quote must.
    assert first.document_id == "divosa-qa" and first.question
    assert "800" in first.quote and "Z-route" in first.quote + first.section
    dated = assistant.ask("wanneer heeft een inburgeraar recht op kinderopvangtoeslag?")
    assert dated.citations[0].update_date == "2021-09-13"  # from "(vraag toegevoegd op 13 september 2021)"


def test_refusal_names_who_to_ask_and_suggests_topics(assistant):
    answer = assistant.ask("Wat zijn de leges voor een naturalisatieverzoek?")
    assert answer.refused
    assert "beantwoorden deze vraag niet" in answer.answer
    assert "IND" in answer.answer  # the Vraagbaak row of the Q&A points there
    assert all(c.quote in c.text for c in answer.citations)
    assert not assistant.ask("Kan een statushouder zijn Syrische rijbewijs omwisselen?").citations[0:0]


def test_out_of_scope_questions_are_refused(assistant):
    for q in ("Hoe vraagt een statushouder DigiD aan?", "Hoeveel huurtoeslag krijgt een alleenstaande?",
              "Hoe werkt inburgering in Denemarken?"):
        assert assistant.ask(q).refused, q


def test_follow_up_resolution_without_an_llm():
    assert is_follow_up("en voor gezinsmigranten?")
    assert is_follow_up("hoeveel uur is dat?")
    assert is_follow_up("geldt dat ook in Drenthe?")
    assert not is_follow_up("Wat is de leerbaarheidstoets en wie neemt die af?")
    # A follow-up that swaps something asks the earlier question again about the new thing.
    assert resolve("en voor gezinsmigranten?", ["moet een statushouder een pip krijgen?"]) == \
        "moet een gezinsmigranten een pip krijgen?"
    assert resolve("en in de B1-route?", ["hoeveel uur taal moet iemand in de z-route doen?"]) == \
        "hoeveel uur taal moet iemand in de b1-route doen?"
    assert resolve("en in 2024?", ["wat is het budget van 's-hertogenbosch in 2022?"]) == \
        "wat is het budget van 's-hertogenbosch in 2024?"
    # A place is swapped in the words too, not only in the scope: "en hoogeveen?" asks Hoogeveen's figure.
    assert resolve("en hoogeveen?", ["hoeveel uitvoeringskosten krijgt emmen in 2023 volgens het amrd-kader?"]) == \
        "hoeveel uitvoeringskosten krijgt hoogeveen in 2023 volgens het amrd-kader?"
    assert resolve("en in drenthe?", ["hoe pakt den bosch de brede intake aan?"]) == \
        "hoe pakt drenthe de brede intake aan?"
    # Nothing to swap: the earlier question is kept as context.
    assert resolve("haar man zit nog in eritrea, maakt dat uit?", ["hoeveel uur kot kan ze krijgen?"]) == \
        "hoeveel uur kot kan ze krijgen? haar man zit nog in eritrea, maakt dat uit?"
    # A chain of follow-ups swaps into the first question in turn.
    assert resolve("en in de onderwijsroute?", ["wat moet een statushouder in de z-route?", "en in de b1-route?"]) == \
        "wat moet een statushouder in de onderwijsroute?"
    assert not is_follow_up("zijn er regels voor het pip?")
    assert place_scope("geldt dat ook in Drenthe?") == "regio:amrd"
    assert place_scope("bij ons in Den Bosch") == "gemeente:s-hertogenbosch"
    # A place written together, apart or hyphenated is still named; a word that only contains it is not.
    assert place_scope("hoe doet shertogenbosch dat?") == place_scope("in denbosch") == "gemeente:s-hertogenbosch"
    assert place_scope("klant in de-wolden") == place_scope("borger odoorn") == "regio:amrd"
    assert place_scope("bosschenaar") is None and place_scope("bij de woldenaar") is None


def test_shortened_words_are_read_written_out_also_in_follow_ups(assistant):
    from assistant.service import plan

    assert expand_shortened("hoeveel uur kot kan een statush. met 2 kids max krijgen per mnd?") == \
        "hoeveel uur kot kan een statushouder met 2 kids maximaal krijgen per maanden?"
    assert expand_shortened("2 asielstatush., 1 gezinsmig.") == "2 asielstatushouder, 1 gezinsmigrant"
    # Only whole words: a hyphenated word, a longer word and "gem." (gemeente or gemiddeld) stay.
    assert expand_shortened("de max-regel voor statushouders in gem. Emmen") == \
        "de max-regel voor statushouders in gem. Emmen"
    # Written out, the target group of a follow-up swaps as it does when typed in full.
    resolved, _ = plan("en bij een gezinsmig.?", ["wie betaalt de taallessen van een statush. in de b1-route?"], None)
    assert resolved == "wie betaalt de taallessen van een gezinsmigrant in de b1-route?"
    short = assistant.ask("krijgt een gezinsmig. maatschappelijke begeleiding?")
    full = assistant.ask("krijgt een gezinsmigrant maatschappelijke begeleiding?")
    assert short.status == full.status != "refused"
    assert [c.chunk_id for c in short.citations] == [c.chunk_id for c in full.citations]


def test_follow_up_answers_use_the_earlier_turn(assistant):
    first = "Hoeveel uur taal zit er in de Z-route?"
    answer = assistant.ask("en hoeveel uur participatie?", history=[first])
    assert not answer.refused
    assert any("Z-route" in c.section or "Z-route" in c.text for c in answer.citations)


def test_follow_up_swaps_the_route_instead_of_repeating_the_first_answer(assistant):
    first = "hoeveel uur taal moet iemand in de z-route doen?"
    z = assistant.ask(first)
    b1 = assistant.ask("en in de B1-route?", history=[first])
    # The sources fix no hours for the B1-route, so "uncertain" (the nearest passage, labelled) is as right
    # as an answer; what is shown must be about that route, not the Z-route's.
    assert b1.status in ("answer", "uncertain") and b1.citations[0].chunk_id != z.citations[0].chunk_id
    assert "B1-route" in b1.answer and "800 uur" not in b1.answer


def test_regional_sources_are_labelled_and_warned(assistant):
    answer = assistant.ask("Hoe verdelen de inburgeraars zich over de leerroutes in Drenthe?")
    assert not answer.refused
    labels = {c.label for c in answer.citations}
    assert "Afspraak in de Arbeidsmarktregio Drenthe" in labels
    assert any("vóór de inwerkingtreding" in w or "gaat uit van invoering" in w for w in answer.warnings)


def test_a_source_assuming_the_wrong_start_date_carries_a_warning(assistant):
    answer = assistant.ask("Wat is de Bossche visie op inburgering?", scope="gemeente:s-hertogenbosch")
    assert not answer.refused
    assert any(c.document_id == "bossche-inburgering" for c in answer.citations)
    assert any("1 juli 2021" in w and "1 januari 2022" in w for w in answer.warnings)


def test_scope_excludes_other_regions(assistant):
    answer = assistant.ask("Hoe is het financieel ontzorgen geregeld?", scope="gemeente:s-hertogenbosch")
    assert all(c.scope in ("national", "gemeente:s-hertogenbosch") for c in answer.citations)


def test_no_container_ranks_first_over_the_content_that_answers_on_dev(assistant):
    # Issue "Right answers …": a title block, preamble or theme introduction never ranks first for a
    # question whose answer is in a content passage. Checked over every answerable dev question.
    from assistant.service import retrieve
    from eval.golden import GOLDEN, load_golden, norm

    r = assistant.retriever
    wrong = []
    for item in load_golden(GOLDEN):
        if not item.in_scope:
            continue
        top = retrieve(r, item.question, item.history, item.as_of, item.scope, 3).hits[0]
        i = r.position[top.chunk.chunk_id]
        if r._container(i) and not any(ev in norm(top.chunk.text) for ev in item.evidences):
            wrong.append(item.id)
    assert wrong == []


def test_question_types_and_fact_kinds():
    from assistant.qtype import asked_types, direct_answer, leans_back, parts, states

    assert "amount" in asked_types("wat kost een examen?") and "number" not in asked_types("wat kost een examen?")
    assert "duration" in asked_types("hoe lang moeten we ontzorgen?")
    assert "date" in asked_types("per wanneer geldt dat?") and "who" in asked_types("wie betaalt de map?")
    assert "yesno" in asked_types("mag een statushouder de b1-route online doen?")
    assert "amount" in states("Een examen kost € 50 per onderdeel.") and "level" in states("Het niveau is B1.")
    assert "duration" in states("Dat duurt zes maanden.") and not states("Zie hiervoor de website.") & {"amount"}
    assert direct_answer("Nee, dat mag niet.") and not direct_answer("Neem contact op met DUO.")
    assert leans_back("Daarom kiest de regio voor 40%.") and not leans_back("De regio kiest voor 40%.")
    # The pronominal adverbs point back as a group, not only the few once listed.
    assert all(leans_back(s) for s in ("Daarin geven zij ook aan hoe wordt betaald.", "Hiervoor is geld beschikbaar.",
                                       "Daarop volgt een gesprek.", "Hiervan is sprake bij ontheffing."))
    assert not leans_back("Daarnet") and not leans_back("Hieronder staan de thema's:")
    assert parts("hoeveel uur taal zit erin en wie betaalt dat?") == ["hoeveel uur taal zit erin", "wie betaalt dat?"]
    # The second question's word may come a few words after "en", or a verb with its subject, "als" or "zo niet".
    assert parts("binnen hoeveel werkdagen moeten de pip-gegevens naar duo en via welk portaal lever je die aan?") == [
        "binnen hoeveel werkdagen moeten de pip-gegevens naar duo", "via welk portaal lever je die aan?"]
    assert len(parts("hoe lang moeten we ontzorgen, en mogen we daarna doorgaan?")) == 2
    assert len(parts("tekent hij niet, mag ik dan de huur inhouden en zo niet, hoe sanctioneer ik?")) == 2
    # Context and lists stay whole: "en heeft een boete" has no question of its own, nor "en gezinsmigranten".
    assert len(parts("klant zit in de bijstand en heeft een boete openstaan, mogen we die verrekenen?")) == 1
    assert len(parts("hoeveel vergunninghouders en gezinsmigranten verwacht den bosch per jaar?")) == 1


def test_answers_never_open_with_a_pointing_word_or_stop_at_a_colon(assistant):
    from assistant.qtype import leans_back

    for q in ("hoe verdelen de inburgeraars zich over de leerroutes in drenthe?",
              "welke thema's worden behandeld in de MAP?", "wat moet er in het PIP staan?",
              "hoe lang moeten we statushouders financieel ontzorgen?",
              # The sentence added for a part of the question is widened like a run: quoted alone it
              # read "Dit geldt ook wanneer …" / "Dit betreft de actualisatie …" without its antecedent.
              "wanneer moet het pip klaar zijn?", "waar zien we het klantprofiel van het coa?",
              "voorbeeld van een extra kwaliteitseis aan docenten die we kunnen stellen?"):
        answer = assistant.ask(q)
        for c in answer.citations:
            assert not leans_back(c.quote) or c.text.startswith(c.quote), (q, c.quote[:60])
            assert not c.quote.rstrip().endswith(":"), (q, c.quote[-60:])


def test_each_part_of_a_two_part_question_is_answered_the_first_too(assistant):
    # The main run, chosen for the whole question, quoted only the 2026 price; the first part (the
    # 2023 amount) stands in the same passage and needs a sentence of its own.
    answer = assistant.ask("met welk bedrag per traject rekende szw na indexatie in 2023, en welke trajectprijs "
                           "krijgen gemeenten vanaf 2026 voor de onderwijsroute?")
    assert answer.status == "answer"
    assert "10.400" in answer.answer and "17.000" in answer.answer, answer.answer


def test_a_one_part_question_gets_the_sentence_that_states_its_fact_when_the_run_misses_it(assistant):
    # The main run, the best window by probability mass, was about the handreiking or the toets in
    # general; the sentence that answers (a date, a "kan niet") stood elsewhere in the top passages.
    dated = assistant.ask("dateert de handreiking leerroutes van voor de invoering van de wet?")
    assert dated.status == "answer"
    assert "vóór de inwerkingtreding" in dated.answer and "1 januari 2022" in dated.answer, dated.answer
    route = assistant.ask("klant is gezinsmigrant, leerbaarheidstoets wijst op de b1-route, mag ze toch kiezen "
                          "voor de z-route?")
    assert route.status == "answer"
    assert "kan niet de Z-route gevolgd worden" in route.answer, route.answer
    # The run, then the sentence, each cited on its own (the sentence's passage ranks second, so it
    # may come as the runner-up's run as well as the added sentence).
    stating = [c for c in route.citations if "kan niet de Z-route gevolgd worden" in c.quote]
    assert stating and stating[0].n > 1, route.citations


def test_the_runner_up_passage_is_quoted_when_the_ranker_can_hardly_tell_it_from_the_first(assistant):
    # "Wat meet de leerbaarheidstoets?" ranks first, the entry on exemption from the toets second at
    # about two thirds of its probability: the answer quotes both, so the exemption rule is shown.
    answer = assistant.ask("wanneer is de leerbaarheidstoets niet nodig?")
    assert "Ontheffing van de leerbaarheidstoets is alleen geregeld" in answer.answer, answer.answer


def test_a_declined_answer_gets_a_second_look_at_the_runner_up_passage(assistant, caplog):
    import logging

    from assistant.service import retrieve

    # A dev follow-up: the Bossche passage on young inburgeraars ranks first for Emmen too, and its
    # answer would be only "uncertain"; the national entry on the onderwijsroute after 28, second, is
    # answered from plainly. (Tied to the fitted models: a refit may move it; pick another dev case.)
    earlier = ["klant van 29 in den bosch wil de onderwijsrute volgen om daarna naar het hbo te gaan. kan dat?"]
    question = "en als hij in emmen had gewoond?"
    hits = retrieve(assistant.retriever, question, earlier, None, None, 10).hits
    with caplog.at_level(logging.INFO, logger="assistant.service"):
        answer = assistant.ask(question, earlier)
    assert "answered from the runner-up passage" in caplog.text and "best one's answer: uncertain" in caplog.text
    assert answer.status == "answer"
    assert answer.citations[0].chunk_id == hits[1].chunk.chunk_id != hits[0].chunk.chunk_id
    # An answer from the best passage itself is given without a second look.
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="assistant.service"):
        plain = assistant.ask("hoeveel uur taal moet iemand in de z-route doen?")
    assert plain.status == "answer" and "runner-up" not in caplog.text


def test_a_runner_up_far_below_the_first_is_not_quoted(assistant):
    from dataclasses import replace

    from assistant.compose import ComposeSettings, _close_second, compose
    from assistant.sentences import candidate_sentences
    from assistant.service import retrieve

    r = assistant.retriever
    found = retrieve(r, "wanneer is de leerbaarheidstoets niet nodig?", [], None, None, 5)
    ctx = assistant.sentence_context(found.resolved, r.query_view(found.resolved, None))
    hits = found.hits
    settings = ComposeSettings()
    near = [replace(hits[0], score=0.6), replace(hits[1], score=0.6 * settings.close_second + 0.01), *hits[2:]]
    far = [replace(hits[0], score=0.6), replace(hits[1], score=0.6 * settings.close_second - 0.01), *hits[2:]]
    draft = compose(near, ctx, assistant.sentence_model, None, settings)
    assert draft.parts[-1].hit.chunk.chunk_id == hits[1].chunk.chunk_id
    assert all(p.hit.chunk.chunk_id != hits[1].chunk.chunk_id for p in compose(far, ctx, assistant.sentence_model,
                                                                                None, settings).parts)
    assert _close_second(near, [[]] * len(near), [[]] * len(near), ctx, settings, {"national"}) is None  # nothing to quote
    # A region nobody asked for is not quoted as the runner-up ("moet een statushouder van 70 nog
    # inburgeren?" got a Drenthe percentage, labelled, beside the national rule); asked for, it is.
    regional = [near[0], replace(near[1], chunk=replace(near[1].chunk, scope="regio:amrd")), *near[2:]]
    per_hit = [candidate_sentences(h.chunk) for h in regional]
    probs = [[0.5] * len(s) for s in per_hit]
    assert _close_second(regional, per_hit, probs, ctx, settings, {"national"}) is None
    assert _close_second(regional, per_hit, probs, ctx, settings, {"national", "regio:amrd"}) is not None


def test_a_two_part_question_embeds_its_parts_in_one_call_into_the_same_vectors(assistant):
    # The whole question and its later part are embedded in one batch call (the bench's p95); the
    # search must then read exactly the vectors embedding one by one gives, from the memo.
    import numpy as np

    r = assistant.retriever
    texts = ["hoeveel uur taal moet iemand in de z-route doen en wie betaalt de leerbaarheidstoets",
             "wie betaalt de leerbaarheidstoets"]
    one_by_one = [r.embedder.embed([t], kind="query")[0] for t in texts]
    r.forget()
    r.embed_queries(texts)
    memo = r._query_vector.cache_info()
    assert memo.currsize == 2 and memo.misses == 2
    for text, vector in zip(texts, one_by_one):
        np.testing.assert_array_equal(r.query_vector(text), vector)
    assert r._query_vector.cache_info().misses == 2  # both read from the memo, none embedded again


def test_a_question_how_current_the_information_is_gets_the_date_of_its_passages(assistant):
    from assistant.labels import dutch_date
    from assistant.qtype import asks_currency

    assert asks_currency("hoe actueel is die info?") and asks_currency("van wanneer is dat antwoord?")
    assert asks_currency("is dat nog actueel?") and not asks_currency("wanneer is de brede intake?")
    question = "klopt het nog dat voor naturalisatie A2 genoeg is na de z-route?"
    answer = assistant.ask(f"{question} hoe actueel is die info?")
    assert answer.status == "answer" and answer.citations
    first = answer.citations[0]
    assert first.update_date, "the naturalisatie entry carries its own update date"
    last = answer.answer.split("\n\n")[-1]
    assert last.startswith("Hoe actueel: [1] bijgewerkt op ") and dutch_date(first.update_date) in last
    assert last.count("[") == len(answer.citations)  # every cited passage's date, none other
    assert "Hoe actueel" not in assistant.ask(question).answer


def test_near_domain_fee_question_is_not_answered_plainly(assistant):
    answer = assistant.ask("hoeveel euro is de boete van duo als mijn klant de termijn niet haalt?")
    assert answer.status in ("refused", "uncertain")


def test_without_a_place_a_close_national_passage_answers_before_a_regional_one(assistant):
    # Issue 11: without a scope or a place named, the national answer stands alone. The ranker puts
    # Drenthe's own arrangement first for this general question, with the national Q&A entry close behind.
    question = "hoe lang moeten we een statushouder financieel ontzorgen?"
    ranked = assistant.retriever.search(question, k=3, allowed=None, prefer_scope=None)
    assert ranked[0].chunk.scope == "national"
    answer = assistant.ask(question)
    assert answer.citations[0].scope == "national"
    # Named, the region's own arrangement is there, labelled.
    drenthe = assistant.ask("hoe lang ontzorgen we in drenthe?")
    assert any(c.scope == "regio:amrd" for c in drenthe.citations)


def test_link_and_footnote_leftovers_are_not_shown_but_the_quote_keeps_them(assistant):
    from assistant.compose import readable

    assert readable("voor [vergunninghouders](#) in<sup>9</sup> <b>Den Bosch</b>") == "voor vergunninghouders in Den Bosch"
    # The AMRD PDF's footnote marks are superscript digits glued to the word; "A2" or "B1" is left alone.
    assert readable("jonger dan 28 jaar¹¹. Op niveau B1 of A2 en de dekking²;") == \
        "jonger dan 28 jaar. Op niveau B1 of A2 en de dekking;"
    onderwijs = assistant.ask("klant in emmen is 30, kan hij de onderwijsroute volgen?")
    assert "jonger dan 28 jaar" in onderwijs.answer and "jaar¹¹" not in onderwijs.answer, onderwijs.answer
    assert any("jaar¹¹" in c.quote for c in onderwijs.citations)
    questions = ["hoe gaat den bosch om met de ondertussen-doelgroep?",
                 "welke participatieactiviteiten biedt den bosch inburgeringsplichtigen?",
                 "vraagt den bosch een blik op werk keurmerk van taalaanbieders?"]
    quoted = 0
    for q in questions:
        answer = assistant.ask(q)
        assert "](" not in answer.answer and "<sup>" not in answer.answer, answer.answer
        quoted += sum("](#)" in c.quote for c in answer.citations)
    # The source's exact words stay in the citation, so the passage is still found where it stands.
    assert quoted, "none of these answers quoted a passage with link leftovers: the test checks nothing"


def test_a_yes_or_no_quote_shows_the_question_it_answers(assistant):
    # "Nee, op dit moment niet." from a Q&A entry answers that entry's question, which may not be the
    # one asked; the answer says which question the yes or no is to. Other quotes are shown as they are.
    from assistant.compose import Part, readable, render
    from assistant.qtype import direct_answer
    from assistant.sentences import candidate_sentences
    from inburgering.models import Hit

    direct, plain = None, None
    for chunk in assistant.retriever.data.chunks:
        if not chunk.question:
            continue
        for s in candidate_sentences(chunk):
            if direct_answer(s.text) and direct is None:
                direct = Part(Hit(chunk, 1.0), [s])
            elif not direct_answer(s.text) and plain is None and s.text.split()[0].isalpha():
                plain = Part(Hit(chunk, 1.0), [s])
    assert direct is not None and plain is not None
    text, citations = render([direct])
    assert text.startswith(f'Op de vraag "{readable(direct.hit.chunk.question)}" antwoordt de bron: ')
    assert readable(direct.quote) in text and citations[0].quote == direct.quote
    text, _ = render([plain])
    assert text.startswith(readable(plain.quote)) and "Op de vraag" not in text


def test_a_drenthe_municipality_outside_the_amrd_gets_no_amrd_arrangement(assistant):
    # The AMRD framework places Assen in the region Groningen (and lists its own six municipalities).
    # Its passages do not answer, nor come up as the nearest topics of a refusal.
    for question in ("wij zitten in Assen, wie doet bij ons de brede intake?",
                     "wij zitten in Assen, wie doet bij ons de maatschappelijke begeleiding?",
                     "wij zitten in assen, binnen hoeveel weken moet het pip er zijn?"):
        answer = assistant.ask(question)
        assert answer.scope is None and all(c.scope != "regio:amrd" for c in answer.citations), question
        warning = [w for w in answer.warnings if w.startswith("Assen hoort niet bij de Arbeidsmarktregio Drenthe")]
        assert warning and "regio Groningen" in warning[0], answer.warnings
        # "This answer gives the national rule" only where there is an answer.
        assert ("landelijke regel" in warning[0]) == (not answer.refused), (question, answer.status)
    # Named with an AMRD municipality, the AMRD still applies, and the warning does not claim otherwise.
    both = assistant.ask("klant in hoogeveen wil liever in meppel inburgeren, kan dat?")
    assert both.scope == "regio:amrd"
    meppel = [w for w in both.warnings if w.startswith("Meppel hoort niet")]
    assert meppel and "regio Zwolle" in meppel[0] and "landelijke regel" not in meppel[0]


def test_each_part_of_a_two_part_question_may_come_from_the_asked_regions_passage(assistant):
    # The second part asks the region's own arrangement; before, a part could only be answered from a
    # national passage, and the region got its best run for the question as a whole instead.
    answer = assistant.ask("telt het tekenen van de participatieverklaring mee in de 12 uur? "
                           "en pakken de drentse gemeenten het pvt regionaal op?")
    assert answer.status == "answer" and answer.scope == "regio:amrd"
    text = norm(answer.answer)
    assert "optioneel vallen onder de 12 uur" in text
    assert "niet op regionaal verband opgepakt" in text
    regional = [c for c in answer.citations if "niet op regionaal verband" in c.quote]
    assert regional and regional[0].label == "Afspraak in de Arbeidsmarktregio Drenthe"


def test_a_later_part_of_a_question_may_come_from_a_passage_its_own_search_found(assistant):
    # The portal question is answered by an entry the question as a whole does not rank in its top
    # three; the part's own search finds it, and the answer cites it for that part.
    from assistant.service import retrieve

    question = "hoeveel uur participatie zit er in de z-route en via welk portaal leveren we de pip-gegevens aan duo?"
    found = retrieve(assistant.retriever, question, [], None, None, 10)
    assert [piece for piece, _ in found.pieces] == ["via welk portaal leveren we de pip-gegevens aan duo?"]
    answer = assistant.ask(question)
    assert answer.status == "answer"
    top3 = {h.chunk.chunk_id for h in found.hits[:3]}
    later = [c for c in answer.citations if c.chunk_id not in top3]
    assert later and "portal inburgering (PIB)" in later[0].quote
    assert later[0].chunk_id in {h.chunk.chunk_id for h in found.pieces[0][1]}


def test_an_open_part_is_not_answered_by_a_sentence_the_scorer_finds_unlikely(assistant):
    # Word share alone chose sentences that only repeat the question's words; they held no missing key
    # fact and stood beside the point. A sentence must also be likely to state a fact by the scorer.
    from assistant.compose import ComposeSettings, _part_for
    from assistant.sentences import candidate_sentences
    from assistant.service import retrieve

    found = retrieve(assistant.retriever, "hoeveel uur duurt het pvt?", [], None, None, 5)
    hits = found.hits[:3]
    per_hit = [candidate_sentences(h.chunk) for h in hits]
    settings = ComposeSettings()
    piece = per_hit[0][0].text  # every word of the part stands in this sentence
    below = [[settings.part_floor - 0.01] * len(s) for s in per_hit]
    at = [[settings.part_floor] * len(s) for s in per_hit]
    assert _part_for(piece, hits, per_hit, below, [], settings) is None
    chosen = _part_for(piece, hits, per_hit, at, [], settings)
    assert chosen is not None and per_hit[0][0].text in chosen.quote


def test_parts_from_one_passage_share_one_marker_in_the_passages_order(assistant):
    # A run and a sentence added for a part of the question (or the runner-up's run) may come from the
    # same passage: cited as [1] and [3] it read as two sources. One paragraph, one marker, the
    # sentences in the passage's order, and a quote that is still the passage's own text.
    from assistant.compose import Part, readable, render
    from assistant.sentences import candidate_sentences
    from inburgering.models import Hit

    chunks = [c for c in assistant.retriever.data.chunks if c.scope == "national"]
    long = next(c for c in chunks if len(candidate_sentences(c)) >= 4
                and not c.text[candidate_sentences(c)[0].end:candidate_sentences(c)[1].start].strip())
    other = next(c for c in chunks if c.chunk_id != long.chunk_id and candidate_sentences(c))
    s = candidate_sentences(long)
    late, early, apart = Part(Hit(long, 1.0), [s[3]]), Part(Hit(long, 1.0), [s[0]]), Part(Hit(other, 0.5), [candidate_sentences(other)[0]])
    text, citations = render([late, apart, early])
    assert [c.chunk_id for c in citations] == [long.chunk_id, other.chunk_id]
    first, second = text.split("\n\n")
    assert first.endswith("[1]") and second.endswith("[2]") and "[3]" not in text
    assert first.index(readable(s[0].text)) < first.index(readable(s[3].text)), first
    assert " … " in first  # the sentences between them are not quoted, and the reader sees the gap
    assert citations[0].quote in long.text and s[0].text in citations[0].quote and s[3].text in citations[0].quote
    # Neighbouring sentences of one passage read as one stretch, without a gap mark.
    text, citations = render([Part(Hit(long, 1.0), [s[1]]), Part(Hit(long, 1.0), [s[0]])])
    assert len(citations) == 1 and " … " not in text and citations[0].quote == long.text[s[0].start:s[1].end]
