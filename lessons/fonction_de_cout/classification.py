"""The loss page's classification fold: logits, softmax and nn.CrossEntropyLoss, one
logit with nn.BCEWithLogitsLoss, and why the losses take logits rather than probabilities."""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import pandas as pd
import streamlit as st

from components import url_state
from components.charts import show_chart
from components.i18n import t
from components.slides import presentation_mode
from lessons.fonction_de_cout import core
from lessons.fonction_de_cout.charts import probabilities_chart

EXTREME_LOGITS = ("10", "100", "1000", "10000")


def classification_section(
    fold: Callable[[str], AbstractContextManager] | None = None,
) -> tuple[tuple[float, ...], int]:
    """`fold(slide_id)`: where each part draws (in presentation mode, three slides: the
    softmax and its loss, one logit, then why the losses take logits)."""
    fold = fold or (lambda slide_id: nullcontext())
    compact = presentation_mode()  # a slide: the class count among the logits, the class beside the chart
    with fold("classification"):
        st.markdown(t("fonction_de_cout.classification.intro"))
        if compact:
            columns = st.columns(5)
            with columns[0]:
                classes = classes_slider()
            logit_columns = columns[1:]
        else:
            classes = classes_slider()
            logit_columns = st.columns(classes)
        defaults = (2.0, 0.5, -1.0, 0.0)
        logits = tuple(column_slider(logit_columns[k], f"z{k}", f"z{k}", defaults[k]) for k in range(classes))
        left, right = st.columns([3, 2], gap="large") if compact else (None, None)
        with right or nullcontext():
            true_class = int(
                url_state.selectbox(
                    t("fonction_de_cout.classification.true_class"), [str(k) for k in range(classes)], key="vraie"
                )
            )
        if not compact:
            left, right = st.columns([3, 2], gap="large")
        result = core.classification(logits, true_class)
        frame = pd.DataFrame(
            {
                "class": [str(k) for k in range(classes)],
                "probability": result.probabilities,
                "true": [k == true_class for k in range(classes)],
            }
        )
        with left:
            titles = {
                "class": t("fonction_de_cout.classification.class"),
                # On a slide the chart is short: the axis title too.
                "probability": t(f"fonction_de_cout.classification.probability{'_short' if compact else ''}"),
            }
            show_chart(
                probabilities_chart,
                frame,
                titles,
                170 if compact else 240,
                alt=t(
                    "fonction_de_cout.classification.chart_alt",
                    probabilities=", ".join(f"{p:.2f}" for p in result.probabilities),
                ),
            )
        with right:
            st.metric("nn.CrossEntropyLoss", f"{result.cross_entropy:.4f}")
            st.markdown(
                t(
                    "fonction_de_cout.classification.by_hand",
                    p=f"{result.probabilities[true_class]:.4f}",
                    loss=f"{result.minus_log_p:.4f}",
                )
            )
        confident_wrong = core.classification(
            tuple(6.0 if k == (true_class + 1) % classes else 0.0 for k in range(classes)), true_class
        )
        hesitant = core.classification(tuple(0.0 for _ in range(classes)), true_class)
        with left if compact else nullcontext():
            st.markdown(
                t(
                    "fonction_de_cout.classification.confident",
                    wrong=f"{confident_wrong.cross_entropy:.3f}",
                    hesitant=f"{hesitant.cross_entropy:.3f}",
                )
            )
    with fold("binaire"):
        binary_section()
    with fold("stabilite"):
        stability_section()
    return logits, true_class


def classes_slider() -> int:
    return url_state.slider(
        t("fonction_de_cout.classification.classes"), key="classes", min_value=2, max_value=4, value=3
    )


def column_slider(column, label: str, key: str, default: float) -> float:
    with column:
        return url_state.slider(label, key=key, min_value=-6.0, max_value=6.0, value=default, step=0.1)


def binary_section() -> None:
    st.subheader(t("fonction_de_cout.binary.title"))
    left, right = st.columns(2)
    with left:
        logit = url_state.slider(
            t("fonction_de_cout.binary.logit"), key="zb", min_value=-8.0, max_value=8.0, value=1.0, step=0.1
        )
    with right:
        target = float(url_state.selectbox(t("fonction_de_cout.binary.target"), ["1", "0"], key="cible"))
    probability, loss = core.binary_cross_entropy(logit, target)
    st.markdown(t("fonction_de_cout.binary.result", p=f"{probability:.4f}", loss=f"{loss:.4f}", target=int(target)))


def stability_section() -> None:
    compact = presentation_mode()  # a slide: titled by its navigation bar, the logit beside the prose
    if not compact:
        st.subheader(t("fonction_de_cout.stability.title"))
    prose, choice = st.columns([3, 1], gap="large") if compact else (st.container(), st.container())
    prose.markdown(t("fonction_de_cout.stability.intro"))
    with choice:
        extreme = float(url_state.selectbox(t("fonction_de_cout.stability.logit"), EXTREME_LOGITS, key="extreme"))
    result = core.stability(extreme)
    st.code(
        f"z = torch.tensor([[{extreme:g}, 0.0, 0.0]])\n"
        f"p = torch.exp(z) / torch.exp(z).sum()      # {t('fonction_de_cout.stability.by_hand')}\n"
        "loss_by_hand = -torch.log(p[0, 1])\n"
        "loss = nn.CrossEntropyLoss()(z, torch.tensor([1]))",
        language="python",
    )
    table = {
        "": [t("fonction_de_cout.stability.by_hand"), "nn.CrossEntropyLoss"],
        "softmax": [_probabilities(result.naive_softmax), _probabilities(result.torch_softmax)],
        t("fonction_de_cout.stability.loss"): [f"{result.naive_loss:g}", f"{result.torch_loss:g}"],
    }
    st.table(table, hide_index=True)
    if result.naive_broke:
        st.warning(t("fonction_de_cout.stability.broke", logit=f"{extreme:g}"), icon=":material/warning:")
    else:
        st.caption(t("fonction_de_cout.stability.fine"))


def _probabilities(values: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in values) + ")"
