"""The licence classes (spmcourse.licensing) agree with the SPDX licence list as shipped in
license-expression's ScanCode licence index (an independent classification: Permissive / Copyleft Limited /
Copyleft), and the obligation rules behave as the lesson states. The bill of materials has the properties the
exercises rely on."""
from __future__ import annotations

import json
from importlib import resources

import pytest
from license_expression import get_spdx_licensing

from spmcourse import casedata, licensing

SCANCODE = {"permissive": "Permissive", "weak copyleft": "Copyleft Limited", "strong copyleft": "Copyleft",
            "network copyleft": "Copyleft"}


@pytest.fixture(scope="module")
def index():
    text = resources.files("license_expression").joinpath("data", "scancode-licensedb-index.json").read_text()
    return {entry["spdx_license_key"]: entry for entry in json.loads(text) if entry.get("spdx_license_key")}


@pytest.mark.parametrize("spdx_id,cls", sorted(licensing.LICENCE_CLASSES.items()))
def test_every_class_agrees_with_the_spdx_index(index, spdx_id, cls):
    assert not get_spdx_licensing().validate(spdx_id).errors, f"{spdx_id} is not a valid SPDX identifier"
    entry = index[spdx_id]
    assert not entry["is_deprecated"]
    assert entry["category"] == SCANCODE[cls]
    assert (cls == "network copyleft") == entry["license_key"].startswith("agpl")


def test_sbom_uses_known_spdx_ids_and_valid_values():
    sbom = casedata.load("sbom")
    assert sbom["component"].is_unique
    assert set(sbom["spdx_license_id"]) <= set(licensing.LICENCE_CLASSES)
    assert set(sbom["linking"]) <= set(licensing.LINKING)
    assert set(sbom["editions"]) <= {"saas", "on-premise", "both"}
    assert {licensing.licence_class(x) for x in sbom["spdx_license_id"]} == set(licensing.CLASSES)


def test_on_premise_obligations_as_the_exercises_expect():
    sbom = casedata.load("sbom")
    onprem = licensing.sbom_obligations(sbom, "on-premise")
    disclose = set(onprem.loc[onprem["source_scope"] != "none", "component"])
    assert disclose == {"widgetkit", "icalparse", "localise", "chartgen", "pdfforge", "tcdriver", "routesolver"}
    assert set(onprem.loc[onprem["blocks_closed_source"], "component"]) == {"pdfforge", "tcdriver"}
    assert set(onprem.loc[onprem["relink"], "component"]) == {"icalparse"}
    # traps: copyleft components that are not in the on-premise product, or only used at build time
    assert {"searchd", "barcodelib", "rulesengine", "buildgen"}.isdisjoint(disclose)
    saas = licensing.sbom_obligations(sbom, "saas")
    assert set(saas.loc[saas["source_scope"] != "none", "component"]) == {"pdfforge"}  # modified AGPL


def test_rules():
    for spdx_id, cls in licensing.LICENCE_CLASSES.items():
        for linking in licensing.LINKING:
            saas = licensing.obligations(spdx_id, linking=linking, distribution="saas")
            assert saas["source_scope"] == "none" and not saas["attribution"]
            build = licensing.obligations(spdx_id, linking="build tool", distribution="on-premise")
            assert build["source_scope"] == "none"
            onprem = licensing.obligations(spdx_id, linking=linking, distribution="on-premise")
            if linking != "build tool":
                assert onprem["attribution"]
                assert (onprem["source_scope"] == "none") == (cls == "permissive")
                assert onprem["blocks_closed_source"] == (cls in ("strong copyleft", "network copyleft")
                                                          and linking in ("static", "dynamic"))
    with pytest.raises(ValueError, match="do not guess"):
        licensing.licence_class("SSPL-1.0")
