# Two commands on a fresh machine: `make demo` (build + validate the sample graph) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test score bench bench-scale clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ofsted-kg build samples -o build/graph.trig
	$(BIN)/ofsted-kg validate build/graph.trig
	$(BIN)/ofsted-kg stats build/graph.trig
	$(BIN)/ofsted-kg report build/graph.trig -o build/site

test: $(STAMP)
	$(BIN)/python -m pytest -q

score: demo
	$(BIN)/python ../shared/tools/score.py build/graph.trig

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

bench-scale: $(STAMP)
	$(BIN)/python benchmarks/bench_scale.py --authorities 150 --visits 4 --skip-memory-validation --memory-limit 240
	$(BIN)/python benchmarks/bench_scale.py --authorities 150 --visits 12 --stores embedded,oxigraph,virtuoso

clean:
	rm -rf build $(VENV)
