"""Benchmark of assessments.scoring.assess on a synthetic, realistically answered model.

    python bench/bench_scoring.py [--questions 200] [--repeat 2000]

Prints min / median / p95 in milliseconds and exits 1 when the median misses the target.
"""

import sys
from pathlib import Path

# Run as a script from the repo root, the script's directory is on sys.path, not the repo root.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from assessments.scoring import (  # noqa: E402
    AnswerKind,
    AnswerSpec,
    ModelSpec,
    QuestionSpec,
    StageSpec,
    assess,
)

TARGET_MS = 5.0
STAGES = ("awareness", "engagement", "strategy", "leadership", "open-by-default")
LAYERS = ("worker", "team", "management", "executive")
PILLARS = ("enabler", "counselor", "consultant", "ambassador")
MAX_SCORE = 4


def build_model(questions: int, seed: int = 0) -> ModelSpec:
    rng = random.Random(seed)
    specs = tuple(
        QuestionSpec(
            key=f"q{index:04d}",
            stage=index % len(STAGES),
            pillar=rng.choice(PILLARS),
            # Roughly one practice in five concerns every layer, as in the OSPO questionnaire.
            layer=None if rng.random() < 0.2 else rng.choice(LAYERS),
            weight=rng.choice((1.0, 1.0, 1.0, 2.0, 3.0)),
            core=rng.random() < 0.25,
            max_score=MAX_SCORE,
            text=f"Synthetic question {index}",
            recommendation=f"Improve practice {index}.",
        )
        for index in range(questions)
    )
    return ModelSpec(
        stages=tuple(
            StageSpec(level=level, key=key, name=key.title(), threshold=0.7)
            for level, key in enumerate(STAGES)
        ),
        layers=LAYERS,
        pillars=PILLARS,
        core_minimum=2,
        questions=specs,
    )


def build_answers(model: ModelSpec, seed: int = 0) -> list[AnswerSpec]:
    rng = random.Random(seed)
    answers: list[AnswerSpec] = []
    for question in model.questions:
        draw = rng.random()
        if draw < 0.05:
            continue  # unanswered
        if draw < 0.12:
            answers.append(AnswerSpec(question.key, AnswerKind.DONT_KNOW))
        elif draw < 0.18:
            answers.append(AnswerSpec(question.key, AnswerKind.NOT_APPLICABLE))
        else:
            # Lower stages are better established in a typical organization.
            ceiling = max(1, question.max_score - question.stage // 2)
            answers.append(AnswerSpec(question.key, AnswerKind.OPTION, rng.randint(0, ceiling)))
    return answers


def time_scoring(questions: int, repeat: int) -> dict[str, float]:
    """Time assess() `repeat` times; figures are in milliseconds."""
    model = build_model(questions)
    answers = build_answers(model)
    for _ in range(min(repeat, 50)):  # warm caches and the allocator before measuring
        assess(model, answers)
    timings: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        assess(model, answers)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "questions": questions,
        "repeat": repeat,
        "min_ms": timings[0],
        "median_ms": statistics.median(timings),
        "p95_ms": timings[min(len(timings) - 1, int(len(timings) * 0.95))],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2000)
    options = parser.parse_args(argv)
    if options.questions < 1 or options.repeat < 1:
        parser.error("--questions and --repeat must be positive")
    figures = time_scoring(options.questions, options.repeat)
    print(
        f"questions={figures['questions']:.0f} repeat={figures['repeat']:.0f} "
        f"min={figures['min_ms']:.3f} ms median={figures['median_ms']:.3f} ms "
        f"p95={figures['p95_ms']:.3f} ms (target: median <= {TARGET_MS} ms)"
    )
    return 1 if figures["median_ms"] > TARGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())
