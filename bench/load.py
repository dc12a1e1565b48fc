"""Many respondents at once: every member of several organizations answers at the same moment.

Part of `manage.py bench`. Each organization gets one assessment of the default questionnaire and
`per_org` respondents (users, memberships and assessments are created directly in the database).
The sections are shared out among an organization's respondents with some overlap, so two people
of one organization sometimes answer the same question at the same time; the last write wins.

All respondents log in through the login form first, then start together and, section by
section, open the section page and save every question of it with an htmx POST, as the page
does when an answer is chosen. Afterwards the database must hold exactly what was sent:

* every question that got an accepted save has exactly one agreed answer (nothing lost, no
  duplicate: the `one_agreed_answer` constraint), and no question that was never sent has one;
* the stored answer is one a last writer could have sent: a value whose save was not followed
  by another save of the same question that started only after it had finished;
* per assessment, the number of stored answers equals the number of distinct questions sent.

Any 5xx answer (or a request that got no answer) fails the run, as does a failed check.

"Answering individually" runs the same way on one assessment run as "individual answers, then
consensus": its respondents (viewers and editors alike) answer their assigned sections on their
own pages (`mine/`), at once. Nobody overwrites anyone there, so the check is stricter: every
respondent's every question they saved is stored once, as their own answer, with the value they
saved last (`check_individual_no_loss`).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bench.harness import HttpClient, join_all, percentile

DONT_KNOW = "dont_know"
HTMX = {"HX-Request": "true"}


# ---------------------------------------------------------------------------------------------
# The plan (pure)


def section_plan(
    sections: Sequence[str], respondents: int, overlap_every: int = 3
) -> list[list[str]]:
    """Which sections each of an organization's `respondents` answers, in the order they do.

    Section j belongs to respondent j % n. Every `overlap_every`-th section (j = 0, k, 2k...)
    is also answered by the next respondent, (j + 1) % n, so those questions get two writers.
    Each respondent does its shared sections first, so both writers of a shared section are on
    it at about the same time. With one respondent, or overlap_every=0, nothing is shared.
    """
    if respondents < 1:
        raise ValueError("at least one respondent")
    plan: list[list[str]] = [[] for _ in range(respondents)]
    shared: list[set[str]] = [set() for _ in range(respondents)]
    for j, key in enumerate(sections):
        owner = j % respondents
        plan[owner].append(key)
        if respondents > 1 and overlap_every and j % overlap_every == 0:
            second = (owner + 1) % respondents
            plan[second].append(key)
            shared[owner].add(key)
            shared[second].add(key)
    order = {key: j for j, key in enumerate(sections)}
    return [
        sorted(keys, key=lambda k, mine=mine: (k not in mine, order[k]))
        for keys, mine in zip(plan, shared, strict=True)
    ]


def choose_value(rng: random.Random, option_pks: Sequence[int], dont_know_share: float) -> str:
    """What a respondent answers: an option's pk, now and then "don't know"."""
    if not option_pks or rng.random() < dont_know_share:
        return DONT_KNOW
    return str(rng.choice(option_pks))


# ---------------------------------------------------------------------------------------------
# The no-loss check (pure)


@dataclass(frozen=True)
class Write:
    """One save sent: which answer to which question, by whom, when (client clock), outcome."""

    assessment: int
    question: str
    value: str
    respondent: str
    started: float
    finished: float
    status: int

    @property
    def accepted(self) -> bool:
        return self.status == 200


@dataclass
class LossCheck:
    expected: int = 0  # distinct (assessment, question) with at least one accepted save
    stored: int = 0  # agreed answers found in the database for the assessments
    contested: int = 0  # questions with accepted saves from two or more respondents
    overlapping: int = 0  # of those, questions where two saves were in flight at once
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def last_writer_candidates(writes: Sequence[Write]) -> list[Write]:
    """The accepted writes that may have been the last one the database applied.

    A write W is ruled out when another accepted write of the same question started after W had
    finished: the server then certainly handled that one later.
    """
    accepted = [w for w in writes if w.accepted]
    return [w for w in accepted if not any(o.started > w.finished for o in accepted if o is not w)]


def check_no_loss(
    writes: Iterable[Write],
    stored_rows: Iterable[tuple[int, str, str]],
    assessments: Iterable[int],
) -> LossCheck:
    """Compare what was sent with what the database holds.

    `stored_rows` are (assessment pk, question key, value) of every agreed answer of
    `assessments`, value being the option pk as a string or the kind (dont_know, ...).
    """
    result = LossCheck()
    by_question: dict[tuple[int, str], list[Write]] = defaultdict(list)
    for write in writes:
        by_question[(write.assessment, write.question)].append(write)
    stored: dict[tuple[int, str], list[str]] = defaultdict(list)
    for assessment, question, value in stored_rows:
        stored[(assessment, question)].append(str(value))
    result.stored = sum(len(values) for values in stored.values())

    expected_keys = {key for key, ws in by_question.items() if any(w.accepted for w in ws)}
    result.expected = len(expected_keys)
    for key, values in sorted(stored.items()):
        if len(values) > 1:
            result.problems.append(f"assessment {key[0]} {key[1]}: {len(values)} agreed answers")
    for key in sorted(expected_keys - stored.keys()):
        result.problems.append(f"assessment {key[0]} {key[1]}: answer lost (sent, not stored)")
    for key in sorted(stored.keys() - expected_keys):
        why = "only failed saves" if key in by_question else "never sent"
        result.problems.append(f"assessment {key[0]} {key[1]}: stored, but {why}")

    for key in sorted(expected_keys & stored.keys()):
        writes_here = by_question[key]
        accepted = [w for w in writes_here if w.accepted]
        if len({w.respondent for w in accepted}) > 1:
            result.contested += 1
            if any(
                a.started < b.finished and b.started < a.finished
                for i, a in enumerate(accepted)
                for b in accepted[i + 1 :]
            ):
                result.overlapping += 1
        candidates = {w.value for w in last_writer_candidates(writes_here)}
        value = stored[key][0]
        if value not in candidates:
            sent = {w.value for w in accepted}
            detail = "an earlier, overwritten save" if value in sent else "a value never sent"
            result.problems.append(
                f"assessment {key[0]} {key[1]}: stored {value!r} is {detail} "
                f"(last writer sent one of {sorted(candidates)})"
            )

    for assessment in sorted(set(assessments)):
        want = sum(1 for a, _q in expected_keys if a == assessment)
        have = sum(len(v) for (a, _q), v in stored.items() if a == assessment)
        if want != have:
            result.problems.append(
                f"assessment {assessment}: {have} answers stored, {want} distinct questions sent"
            )
    return result


# ---------------------------------------------------------------------------------------------
# Setting up and running (database and HTTP)


@dataclass(frozen=True)
class QuestionPlan:
    pk: int
    key: str
    number: int
    options: tuple[int, ...]


@dataclass(frozen=True)
class Respondent:
    username: str
    organization: str
    assessment: int
    sections: tuple[str, ...]


@dataclass
class LoadSetup:
    respondents: list[Respondent]
    sections: dict[str, list[QuestionPlan]]
    assessments: list[int]
    password: str


def create_respondents(
    organizations: int, per_org: int, password: str, overlap_every: int = 3
) -> LoadSetup:
    """Organizations load-1..N, each with `per_org` members and one empty default assessment."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from assessments.demo import ensure_default_questionnaire
    from assessments.models import Assessment, Membership, Organization

    questionnaire = ensure_default_questionnaire()
    sections: dict[str, list[QuestionPlan]] = {}
    number = 0
    for section in questionnaire.sections.order_by("order"):
        plans = []
        for question in section.questions.order_by("order").prefetch_related("options"):
            number += 1
            options = tuple(o.pk for o in sorted(question.options.all(), key=lambda o: o.score))
            plans.append(QuestionPlan(question.pk, question.key, number, options))
        sections[section.key] = plans
    plan = section_plan(list(sections), per_org, overlap_every)

    User = get_user_model()
    hashed = make_password(password)  # once: every respondent shares the same password
    respondents: list[Respondent] = []
    assessments: list[int] = []
    for o in range(1, organizations + 1):
        organization = Organization.objects.create(name=f"Load test {o}", slug=f"load-{o}")
        users = User.objects.bulk_create(
            User(username=f"load-{o}-{r}", password=hashed, email=f"load-{o}-{r}@example.org")
            for r in range(1, per_org + 1)
        )
        Membership.objects.bulk_create(
            Membership(
                organization=organization,
                user=user,
                role=Membership.Role.OWNER if r == 0 else Membership.Role.EDITOR,
            )
            for r, user in enumerate(users)
        )
        assessment = Assessment.objects.create(
            organization=organization,
            questionnaire=questionnaire,
            title="Everyone at once",
            created_by=users[0],
        )
        assessments.append(assessment.pk)
        respondents += [
            Respondent(user.username, organization.slug, assessment.pk, tuple(plan[r]))
            for r, user in enumerate(users)
        ]
    return LoadSetup(respondents, sections, assessments, password)


def stored_answers(assessments: Sequence[int]) -> list[tuple[int, str, str]]:
    from assessments.models import Answer

    rows = Answer.objects.filter(assessment__in=assessments, respondent__isnull=True).values_list(
        "assessment_id", "question__key", "kind", "option_id"
    )
    return [
        (assessment, key, str(option) if kind == Answer.Kind.OPTION else kind)
        for assessment, key, kind, option in rows
    ]


@dataclass
class LoadRun:
    writes: list[Write] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    login_s: float = 0.0
    wall_s: float = 0.0


def run_load(
    base: str,
    setup: LoadSetup,
    dont_know_share: float = 0.1,
    seed: int = 0,
    own: bool = False,
) -> LoadRun:
    """Log every respondent in, then let them all answer at once; returns what was sent.

    `own`: each answers on their own pages (`mine/`), not the shared ones."""
    run = LoadRun()
    lock = threading.Lock()
    clients = {r.username: HttpClient(base) for r in setup.respondents}
    errors: list[BaseException] = []

    started = time.perf_counter()
    _each(
        setup.respondents,
        lambda r: clients[r.username].login(r.username, setup.password),
        errors,
    )
    run.login_s = time.perf_counter() - started
    if errors:
        raise errors[0]

    gate = threading.Barrier(len(setup.respondents))

    def answer(respondent: Respondent) -> None:
        client = clients[respondent.username]
        rng = random.Random(f"{seed}-{respondent.username}")
        prefix = f"/orgs/{respondent.organization}/assessments/{respondent.assessment}"
        if own:
            prefix += "/mine"
        gate.wait()
        for section_key in respondent.sections:
            page = client.get(f"{prefix}/sections/{section_key}/")
            with lock:
                run.page_ms.append(page.ms)
                run.statuses[page.status] += 1
                if page.status != 200:
                    run.failures.append(f"GET section {section_key}: {page.status} {page.error}")
            for question in setup.sections[section_key]:
                value = choose_value(rng, question.options, dont_know_share)
                reply = client.post(
                    f"{prefix}/questions/{question.pk}/answer/",
                    {f"q-{question.pk}-choice": value, "number": question.number},
                    HTMX,
                )
                write = Write(
                    respondent.assessment,
                    question.key,
                    value,
                    respondent.username,
                    reply.started,
                    reply.finished,
                    reply.status,
                )
                with lock:
                    run.writes.append(write)
                    run.statuses[reply.status] += 1
                    if reply.status != 200:
                        run.failures.append(
                            f"POST {question.key} as {respondent.username}: "
                            f"{reply.status} {reply.error}".strip()
                        )

    started = time.perf_counter()
    _each(setup.respondents, answer, errors)
    run.wall_s = time.perf_counter() - started
    for client in clients.values():
        client.close()
    if errors:
        raise errors[0]
    return run


def _each(respondents: Sequence[Respondent], work, errors: list[BaseException]) -> None:
    def guarded(respondent: Respondent) -> None:
        try:
            work(respondent)
        except BaseException as error:  # noqa: BLE001 - re-raised by the caller
            errors.append(error)

    threads = [
        threading.Thread(target=guarded, args=(r,), daemon=True, name=r.username)
        for r in respondents
    ]
    for thread in threads:
        thread.start()
    join_all(threads)


def summarize(setup: LoadSetup, run: LoadRun, check: LossCheck) -> dict:
    save_ms = [w.finished * 1000 - w.started * 1000 for w in run.writes]
    server_errors = sum(n for s, n in run.statuses.items() if s >= 500 or s == 0)
    return {
        "organizations": len(setup.assessments),
        "respondents": len(setup.respondents),
        "questions": sum(len(q) for q in setup.sections.values()),
        "saves": len(run.writes),
        "accepted": sum(1 for w in run.writes if w.accepted),
        "section_pages": len(run.page_ms),
        "login_s": round(run.login_s, 2),
        "wall_s": round(run.wall_s, 2),
        "saves_per_s": round(len(run.writes) / run.wall_s, 1) if run.wall_s else None,
        "save_p50_ms": _r(percentile(save_ms, 50)),
        "save_p95_ms": _r(percentile(save_ms, 95)),
        "save_max_ms": _r(max(save_ms, default=None)),
        "section_p95_ms": _r(percentile(run.page_ms, 95)),
        "statuses": {str(k): v for k, v in sorted(run.statuses.items())},
        "server_errors": server_errors,
        "expected_answers": check.expected,
        "stored_answers": check.stored,
        "contested_questions": check.contested,
        "overlapping_saves": check.overlapping,
        "problems": check.problems[:50],
        "problem_count": len(check.problems),
        "failures": run.failures[:20],
        "ok": check.ok and server_errors == 0,
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# ---------------------------------------------------------------------------------------------
# Answering individually


def check_individual_no_loss(
    writes: Iterable[Write], stored_rows: Iterable[tuple[str, str, str]]
) -> LossCheck:
    """Every respondent's own answers are exactly what they saved last (pure).

    `stored_rows` are (respondent's username, question key, value) of every individual answer of
    the assessment. Each respondent saves one question at a time, so their last accepted save of
    a question is the one that must be stored; nobody else writes their rows.
    """
    result = LossCheck()
    last: dict[tuple[str, str], Write] = {}
    failed_only: set[tuple[str, str]] = set()
    for write in sorted(writes, key=lambda w: w.started):
        key = (write.respondent, write.question)
        if write.accepted:
            last[key] = write
        else:
            failed_only.add(key)
    stored: dict[tuple[str, str], list[str]] = defaultdict(list)
    for username, question, value in stored_rows:
        stored[(username, question)].append(str(value))
    result.expected = len(last)
    result.stored = sum(len(values) for values in stored.values())
    for key, values in sorted(stored.items()):
        if len(values) > 1:
            result.problems.append(f"{key[0]} {key[1]}: {len(values)} answers of their own")
        if key not in last:
            why = "only failed saves" if key in failed_only else "never sent"
            result.problems.append(f"{key[0]} {key[1]}: stored, but {why}")
        elif values[0] != last[key].value:
            result.problems.append(
                f"{key[0]} {key[1]}: stored {values[0]!r}, last saved {last[key].value!r}"
            )
    for key in sorted(last.keys() - stored.keys()):
        result.problems.append(f"{key[0]} {key[1]}: answer lost (saved, not stored)")
    return result


def create_individual_respondents(
    respondents: int, password: str, groups: int = 5, overlap_every: int = 3
) -> LoadSetup:
    """Organization load-individual: one assessment answered individually, `respondents` members
    (a third of them viewers) each a respondent of it, assigned the sections `section_plan`
    shares out among `groups`, so that several people answer every question on their own."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from assessments.demo import ensure_default_questionnaire
    from assessments.models import Assessment, Membership, Organization
    from assessments.models import Respondent as Respondent_

    questionnaire = ensure_default_questionnaire()
    sections: dict[str, list[QuestionPlan]] = {}
    number = 0
    for section in questionnaire.sections.order_by("order"):
        plans = []
        for question in section.questions.order_by("order").prefetch_related("options"):
            number += 1
            options = tuple(o.pk for o in sorted(question.options.all(), key=lambda o: o.score))
            plans.append(QuestionPlan(question.pk, question.key, number, options))
        sections[section.key] = plans
    plan = section_plan(list(sections), groups, overlap_every)
    organization = Organization.objects.create(name="Load test, individually", slug="load-own")
    hashed = make_password(password)  # once: every respondent shares the same password
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"own-{r}", password=hashed, email=f"own-{r}@example.org")
        for r in range(1, respondents + 1)
    )
    Membership.objects.bulk_create(
        Membership(
            organization=organization,
            user=user,
            role=Membership.Role.VIEWER if r % 3 == 2 else Membership.Role.EDITOR,
        )
        for r, user in enumerate(users)
    )
    assessment = Assessment.objects.create(
        organization=organization,
        questionnaire=questionnaire,
        title="Everyone on their own",
        mode=Assessment.Mode.INDIVIDUAL,
    )
    Respondent_.objects.bulk_create(
        Respondent_(assessment=assessment, user=user, number=r + 1, sections=list(plan[r % groups]))
        for r, user in enumerate(users)
    )
    return LoadSetup(
        [
            Respondent(user.username, organization.slug, assessment.pk, tuple(plan[r % groups]))
            for r, user in enumerate(users)
        ],
        sections,
        [assessment.pk],
        password,
    )


def stored_individual_answers(assessment: int) -> list[tuple[str, str, str]]:
    from assessments.models import Answer

    rows = Answer.objects.filter(assessment=assessment, respondent__isnull=False).values_list(
        "respondent__user__username", "question__key", "kind", "option_id"
    )
    return [
        (username, key, str(option) if kind == Answer.Kind.OPTION else kind)
        for username, key, kind, option in rows
    ]
