"""Search: the index each release carries (search.sqlite), /search as HTML and JSON, the search
box on every page, and the SPARQL extension function."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.builder.search_index import write_search_index
from citykg.contract.layout import SEARCH_FILE, SUMS_FILE
from citykg.serve.search_index import FUNCTION, SearchIndex

from support.app import app_for
from support.html import parse_html
from support.project import ROOT, leipzig_text, make_project

LEIPZIG_CITY = "/id/city/leipzig-deu"
LEIPZIG_PROFILE = "/id/profile/leipzig-deu/2020"
HORNING = "/id/person/leipzig-deu-ulrich-horning"
SD = "http://www.w3.org/ns/sparql-service-description#"
SEARCH_DOC = (ROOT / "docs" / "search.md").read_text(encoding="utf-8")


def results(client, q: str, **params: str) -> dict:
    """The JSON answer to a search."""
    response = client.get("/search", query_string={"q": q, "format": "json", **params})
    assert response.status_code == 200, response.data
    return response.get_json()


def urls(client, q: str, **params: str) -> list[str]:
    return [hit["url"] for hit in results(client, q, **params)["results"]]


def test_a_word_of_leipzigs_spotlight_finds_its_profile_first(client):
    page = parse_html(client.get("/search?q=participation").data)
    hits = page.one("ol", "results").find_all("li")
    assert hits[0].find_all("a")[0].get("href") == LEIPZIG_PROFILE
    assert hits[0].find_all("a")[0].words == "Leipzig, 2020 survey"
    assert [m.text for m in hits[0].find_all("mark")] == ["participation"]
    assert "coordination center for civic participation within the City Council" in hits[0].words
    # the answer option whose note says "participating cities" comes after the profile
    assert len(hits) == 2 and hits[1].find_all("a")[0].get("href").startswith("/id/concept/")


def test_a_city_name_ranks_the_city_then_its_profile_then_people(client):
    found = results(client, "Leipzig")
    assert [h["url"] for h in found["results"][:2]] == [LEIPZIG_CITY, LEIPZIG_PROFILE]
    assert {h["kind"] for h in found["results"][2:]} == {"person"}
    assert found["total"] == 4 and found["kinds"] == {"city": 1, "profile": 1, "person": 2}
    scores = [h["score"] for h in found["results"]]
    assert all(s > 0 for s in scores) and scores[0] == max(scores)


def test_accents_and_case_do_not_matter(client):
    assert (
        urls(client, "horning") == urls(client, "HÖRNING") == urls(client, "Hörning") == [HORNING]
    )


def test_people_are_found_by_name_and_by_post(client):
    [person] = results(client, "Burkhard Jung")["results"]
    assert person["kind"] == "person" and person["title"] == "Burkhard Jung"
    assert person["snippet"] == "mayor, Leipzig, 2020 survey"
    assert urls(client, "Leipzig mayor") == ["/id/person/leipzig-deu-burkhard-jung"]


def test_answer_options_are_found_by_label_and_by_their_notes(client):
    assert urls(client, "data scientist")[0] == "/id/concept/innovation-role/data-scientist"
    [budget] = results(client, "participatory budgeting")["results"]
    assert budget["url"] == "/id/concept/funding-source/municipal-budget"
    assert budget["title"] == "Municipal budget" and budget["kind"] == "concept"
    assert "<mark>participatory</mark> <mark>budgeting</mark>" in budget["snippet_html"]


def test_kind_keeps_one_kind_of_page(client):
    found = results(client, "Leipzig", kind="person")
    assert found["total"] == 2 and {h["kind"] for h in found["results"]} == {"person"}
    assert found["kinds"]["city"] == 1  # the counts of every kind stay, for the links to them


def test_json_by_accept_header_with_its_shape(client):
    response = client.get("/search?q=lego", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "Accept" in response.headers["Vary"]
    found = response.get_json()
    assert set(found) == {"q", "syntax", "kind", "total", "kinds", "page", "pages", "next"} | {
        "results"
    }
    assert (found["q"], found["syntax"], found["total"], found["pages"]) == ("lego", "words", 1, 1)
    [hit] = found["results"]
    assert set(hit) == {"iri", "url", "kind", "title", "snippet", "snippet_html", "score"}
    assert hit["iri"] == "https://w3id.org/citykg/id/profile/leipzig-deu/2020"
    assert "creative use of LEGO building blocks" in hit["snippet"]
    assert "creative use of <mark>LEGO</mark> building blocks" in hit["snippet_html"]


def test_results_page_twenty_at_a_time(client):
    first, second = results(client, "innovation"), results(client, "innovation", page="2")
    assert first["total"] == second["total"] == 28 and first["pages"] == 2
    assert first["next"] == "/search?q=innovation&page=2" and second["next"] is None
    assert (len(first["results"]), len(second["results"])) == (20, 8)
    iris = [h["iri"] for h in first["results"] + second["results"]]
    assert len(set(iris)) == 28
    page = parse_html(client.get("/search?q=innovation&page=2").data)
    assert page.one("ol", "results").get("start") == "21"
    assert page.find_all("a", rel="prev")[0].get("href") == "/search?q=innovation"
    assert client.get("/search?q=innovation&page=99999").status_code == 404


def test_html_results_link_their_pages_and_name_their_kinds(client):
    page = parse_html(client.get("/search?q=Leipzig").data)
    items = page.one("ol", "results").find_all("li")
    assert [li.find_all("a")[0].get("href") for li in items][:2] == [LEIPZIG_CITY, LEIPZIG_PROFILE]
    assert [li.one("span", "kind").text for li in items] == ["city", "profile", "person", "person"]
    assert page.one("p", "meta", role="status").words == "4 pages match."
    assert page.by_id("search-words").get("value") == "Leipzig"


def test_every_page_has_the_search_box(client):
    for path in ("/", LEIPZIG_CITY, "/query", "/releases/", "/search?q=x"):
        page = client.get(path, headers={"Accept": "text/html"}).data
        form = parse_html(page).one("form", "site-search")
        assert (form.get("action"), form.get("method"), form.get("role")) == (
            "/search",
            "get",
            "search",
        )
        field = form.one("input", name="q")
        assert form.one("label").get("for") == field.get("id")


def test_without_words_the_page_has_the_form_and_no_results(client):
    response = client.get("/search")
    assert response.status_code == 200
    page = parse_html(response.data)
    assert page.one("form", "search-page").get("action") == "/search"
    assert page.find_all("ol", "results") == [] and page.find_all("p", role="status") == []
    assert results(client, "")["results"] == []


def test_plain_words_are_never_syntax(client):
    for words in ('AND "(', "NOT", "a OR", "foo:bar", "*", "NEAR(x"):
        response = client.get("/search", query_string={"q": words})
        assert response.status_code == 200, (words, response.data)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("AND", 'search syntax error: fts5: syntax error near "AND"'),
        ('"unclosed', "search syntax error: unterminated string"),
        ("foo:bar", "search syntax error: no such column: foo"),
    ],
)
def test_bad_fts5_syntax_is_a_400_saying_where(client, q, message):
    response = client.get("/search", query_string={"q": q, "syntax": "fts5"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.text.startswith(message)
    assert "search without syntax=fts5 for plain words" in response.text


def test_fts5_syntax_searches(client):
    assert urls(client, "leip*", syntax="fts5", kind="city") == [LEIPZIG_CITY]
    assert urls(client, '"Thinking Ahead" NOT bananas', syntax="fts5") == [LEIPZIG_PROFILE]
    assert urls(client, "horning OR jung", syntax="fts5", kind="person") == [
        "/id/person/leipzig-deu-burkhard-jung",
        HORNING,
    ]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("q=" + "x" * 201, 400, "the search is too long: at most 200 characters"),
        ("q=x&syntax=sql", 400, "syntax must be one of words, fts5"),
        ("q=x&kind=town", 400, "kind must be one of city, country, person"),
        ("q=x&page=0", 400, "page must be a whole number from 1, not '0'"),
        ("q=x&page=abc", 400, "page must be a whole number from 1, not 'abc'"),
        ("q=leipzig&page=2", 404, "no page 2 of these results: pages 1 to 1"),
        ("q=x&format=xml", 400, "format must be html or json"),
    ],
)
def test_bad_parameters_get_a_clear_error(client, query, status, message):
    response = client.get(f"/search?{query}")
    assert response.status_code == status and message in response.text


def test_the_index_is_in_the_release_and_its_sums(release, client):
    assert (release / SEARCH_FILE).is_file()
    sums = dict(
        reversed(line.split("  ")) for line in (release / SUMS_FILE).read_text().splitlines()
    )
    assert sums[SEARCH_FILE] == hashlib.sha256((release / SEARCH_FILE).read_bytes()).hexdigest()
    response = client.get(f"/releases/{release.name}/{SEARCH_FILE}")
    assert response.status_code == 200 and response.mimetype == "application/vnd.sqlite3"
    assert response.data == (release / SEARCH_FILE).read_bytes()


def test_the_index_holds_texts_and_leaves_out_codes_and_editorial_notes(release):
    with sqlite3.connect(release / SEARCH_FILE) as db:
        rows = db.execute(
            "SELECT kind, iri, title, body, notes FROM documents JOIN kinds "
            "ON documents.rowid BETWEEN kinds.first AND kinds.last ORDER BY documents.rowid"
        ).fetchall()
        (count,) = db.execute("SELECT count(*) FROM documents").fetchone()
    assert len(rows) == count  # every document in one kind's range
    assert rows == sorted(rows)  # by kind, then IRI
    texts = " ".join(" ".join(row) for row in rows)
    assert "Partial: two phrasings seen verbatim" not in texts  # a skos:editorialNote
    by_iri = {row[1]: row for row in rows}
    profile = by_iri["https://w3id.org/citykg/id/profile/leipzig-deu/2020"]
    assert profile[0] == "profile" and profile[2] == "Leipzig, 2020 survey"
    assert "Leipzig Thinking Ahead" in profile[3] and "sprinkled throughout" in profile[3]
    assert by_iri["https://w3id.org/citykg/id/city/leipzig-deu"][2:4] == ("Leipzig", "Germany")
    assert {row[0] for row in rows} == {"city", "country", "person", "profile", "concept", "scheme"}


def test_the_sparql_function_scores_the_pages_holding_the_words(client):
    query = f"""PREFIX fn: <{FUNCTION.rsplit("/", 1)[0]}/>
    SELECT ?page ?score WHERE {{
      VALUES ?page {{ <https://w3id.org/citykg/id/city/leipzig-deu>
                     <https://w3id.org/citykg/id/profile/leipzig-deu/2020>
                     <https://w3id.org/citykg/id/country/deu> }}
      BIND(fn:search(?page, "leipzig") AS ?score)
      FILTER(BOUND(?score))
    }} ORDER BY DESC(?score)"""
    response = client.get(f"/sparql?query={quote(query)}", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.data
    rows = response.get_json()["results"]["bindings"]
    assert [r["page"]["value"].rsplit("/id/", 1)[1] for r in rows] == [
        "city/leipzig-deu",
        "profile/leipzig-deu/2020",
    ]
    expected = {h["iri"]: h["score"] for h in results(client, "leipzig")["results"]}
    for row in rows:
        assert row["score"]["datatype"] == "http://www.w3.org/2001/XMLSchema#double"
        assert float(row["score"]["value"]) == expected[row["page"]["value"]]


def test_the_service_description_names_the_function(client):
    sd = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data)
    [service] = sd.subjects(URIRef(SD + "extensionFunction"), URIRef(FUNCTION))
    assert (service, RDF.type, URIRef(SD + "Service")) in sd
    assert (URIRef(FUNCTION), RDF.type, URIRef(SD + "Function")) in sd
    [note] = sd.objects(URIRef(FUNCTION), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    assert isinstance(note, Literal) and "relevance score" in note


@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away release whose Leipzig spotlight holds markup."""
    text = leipzig_text().replace(
        "the creative use of LEGO building blocks",
        'the creative use of <script>alert("x")</script> LEGO & <b>bricks</b>',
    )
    project = make_project(tmp_path_factory.mktemp("hostile"), {"leipzig-deu-2020.txt": text})
    return write_release(assemble(project), project.var_dir).path


def test_texts_and_snippets_come_out_escaped(hostile_release, tmp_path):
    with app_for(hostile_release, tmp_path, QUERY_WORKERS=1) as hostile:
        client = hostile.test_client()
        html = client.get("/search?q=alert").text
        found = results(client, "alert")
    assert "<script>alert" not in html and "<b>bricks" not in html
    [snippet] = parse_html(html).one("ol", "results").find_all("p")
    assert [m.text for m in snippet.find_all("mark")] == ["alert"]
    assert 'use of <script>alert("x")</script> LEGO & <b>bricks</b> for' in snippet.text
    [hit] = found["results"]
    assert '<script>alert("x")</script> LEGO & <b>bricks</b>' in hit["snippet"]
    assert (
        "&lt;script&gt;<mark>alert</mark>(&#34;x&#34;)&lt;/script&gt; LEGO &amp; &lt;b&gt;bricks"
        in hit["snippet_html"]
    )


def test_a_release_built_before_the_index_answers_503(release, tmp_path):
    older = tmp_path / "releases" / release.name
    shutil.copytree(release, older, ignore=shutil.ignore_patterns(SEARCH_FILE))
    with app_for(older, tmp_path / "stores", QUERY_WORKERS=1) as app:
        client = app.test_client()
        response = client.get("/search?q=leipzig")
        assert response.status_code == 503
        assert "the release has no search index (search.sqlite)" in response.text
        assert "build it again to search it" in response.text
        assert client.get("/search").status_code == 200  # the form needs no index


def test_letters_without_accents_are_found_spelled_plainly(tmp_path):
    """Ł, ø, ß do not decompose, so the tokenizer keeps them: a page's name is also indexed
    spelled plainly, and a word with them also matches its plain spelling."""
    city = "<https://w3id.org/citykg/id/city/{}>"
    name = "<https://schema.org/name>"
    lines = [f'{city.format("lodz-pol")} {name} "Łódź" .', f'{city.format("x-nor")} {name} "Bø" .']
    triples = tmp_path / "data.nt"
    triples.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert write_search_index(triples, tmp_path / SEARCH_FILE) == 2
    index = SearchIndex(tmp_path / SEARCH_FILE)
    lodz = "https://w3id.org/citykg/id/city/lodz-pol"
    for words in ("Lodz", "łódź", "ŁÓDŹ", "lódz"):
        assert set(index.scores(words)) == {lodz}, words
    assert set(index.scores("bo")) == {"https://w3id.org/citykg/id/city/x-nor"}


def test_the_same_triples_give_the_same_index_bytes(release, tmp_path):
    write_search_index(release / "citykg.nt.gz", tmp_path / "again.sqlite")
    assert (tmp_path / "again.sqlite").read_bytes() == (release / SEARCH_FILE).read_bytes()


def test_the_documented_json_answer_is_the_real_one(client):
    [documented] = re.findall(r"```json\n(.*?)```", SEARCH_DOC, re.S)
    assert json.loads(documented) == results(client, "lego")


def test_the_documented_sparql_example_answers(client):
    [query] = re.findall(r"```sparql fn:search\n(.*?)```", SEARCH_DOC, re.S)
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.data
    [row] = response.get_json()["results"]["bindings"]
    assert row["name"]["value"] == "Leipzig"
    assert row["profile"]["value"] == "https://w3id.org/citykg/id/profile/leipzig-deu/2020"


def test_a_control_character_is_a_clear_400_never_a_syntax_error(client):
    response = client.get("/search", query_string={"q": "lei\x00pzig"})
    assert response.status_code == 400 and "control character" in response.text


def test_a_damaged_index_answers_503(release, tmp_path):
    copied = tmp_path / "release"
    shutil.copytree(release, copied)
    (copied / "search.sqlite").write_bytes(b"not a database" * 100)
    with app_for(copied, tmp_path / "stores") as app:
        response = app.test_client().get("/search", query_string={"q": "Leipzig"})
    assert response.status_code == 503 and "cannot be read" in response.text
