"""read_csv: decoding as it reads, the Windows-1252 fallback, and records of only the columns a connector reads."""

import pytest

from ingest.connectors.base import ParseError, decode_text, read_csv

HEADER = "Model,Notes,Publication date,Parameters\r\n"


def _rows(text: str) -> list[dict]:
    return [dict(record) for record in read_csv(text.encode("utf-8"), ("Model",), "test")[1]]


def test_records_match_decoding_the_whole_payload_first():
    # Quoted line breaks, a character outside the Basic Multilingual Plane, a BOM, a blank line.
    text = "\ufeff" + HEADER + 'GPT-4,"two\nlines, and 𝑥",2023-03-15,\r\n\r\nBERT,plain,2018-10-11,3.4e8\r\n'
    header, records = read_csv(text.encode("utf-8"), ("Model",), "test")
    assert header == ["Model", "Notes", "Publication date", "Parameters"]
    assert [dict(r) for r in records] == [
        {"Model": "GPT-4", "Notes": "two\nlines, and 𝑥", "Publication date": "2023-03-15", "Parameters": ""},
        {"Model": "BERT", "Notes": "plain", "Publication date": "2018-10-11", "Parameters": "3.4e8"},
    ]
    assert [r.lines for r in records] == ["lines 2-3", "line 5"]


def test_a_payload_not_utf8_throughout_is_read_as_windows_1252():
    # Valid UTF-8 for the first few thousand rows, then one Windows-1252 "é" (0xE9): the
    # whole payload is Windows-1252, as when it was decoded before it was read.
    rows = "".join(f"m{i},caf\u00e9,2020-01-01,1\r\n" for i in range(3000))
    data = HEADER.encode() + rows.encode("utf-8") + "late,caf\u00e9,2020-01-02,2\r\n".encode("cp1252")
    records = read_csv(data, ("Model",), "test")[1]
    assert len(records) == 3001
    assert records[0]["Notes"] == data.decode("cp1252").splitlines()[1].split(",")[1] == "caf\u00c3\u00a9"
    assert records[-1]["Notes"] == "caf\u00e9"


def test_undecodable_and_binary_payloads_are_refused_with_a_reason():
    with pytest.raises(ParseError, match="neither UTF-8 nor Windows-1252"):
        read_csv(HEADER.encode() + b"x,\x81\xff,2020-01-01,1\r\n", ("Model",), "test")
    with pytest.raises(ParseError, match="binary"):
        read_csv(b"Model\x00,x\r\n", ("Model",), "test")
    with pytest.raises(ParseError, match="neither UTF-8 nor Windows-1252"):
        decode_text(b"\x81", "test")


def test_a_missing_column_is_judged_on_the_encoding_the_whole_payload_has():
    # The header names "Modèle" in Windows-1252 (invalid UTF-8): read as UTF-8 the decoder
    # fails on the header itself, and as Windows-1252 the required column is there.
    data = "Modèle,Publication date\r\nx,2020-01-01\r\n".encode("cp1252")
    header, records = read_csv(data, ("Modèle",), "test")
    assert header[0] == "Modèle" and records[0]["Modèle"] == "x"
    with pytest.raises(ParseError, match=r"missing column\(s\) Model; found Modèle, Publication date"):
        read_csv(data, ("Model",), "test")


def test_reads_leaves_other_columns_out_but_counts_every_field():
    data = (HEADER + "GPT-4,long notes,2023-03-15,1e12\r\nshort,row\r\n").encode()
    records = read_csv(data, ("Model",), "test", reads=("Model", "Parameters", "Not in this file"))[1]
    assert [dict(r) for r in records] == [{"Model": "GPT-4", "Parameters": "1e12"}, {"Model": "short", "Parameters": ""}]
    assert [r.n_fields for r in records] == [4, 2]


def test_an_unterminated_quote_is_damage():
    records = read_csv((HEADER + 'GPT-4,"never closed,2023-03-15,1\r\n').encode(), ("Model",), "test")[1]
    assert records.damage == ["the file ends inside a quoted field (an unterminated quote)"]


def test_the_epoch_models_connector_names_every_column_it_reads():
    # Records hold only READS: a column read but not named there would read as missing, and a
    # missing column never changes stored values, so the loss would be silent. Every column name
    # the connector's source passes to row.get() or a cleaner must be in READS.
    import ast
    import inspect

    from ingest.connectors import epoch_models

    tree = ast.parse(inspect.getsource(epoch_models))
    read = {call.args[0].value for call in ast.walk(tree)
            if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
            and ((isinstance(call.func, ast.Attribute) and call.func.attr == "get"
                  and isinstance(call.func.value, ast.Name) and call.func.value.id == "row")
                 or (isinstance(call.func, ast.Name) and call.func.id == "_cleaner"))}
    assert {"Model", "Publication date", "Link", "Domain", "Task"} <= read  # the walk finds them
    assert read <= set(epoch_models.READS), read - set(epoch_models.READS)
