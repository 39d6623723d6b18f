"""The 52 cases of /work/shared/hostile-inputs.md, each mapped to the tests that build it.

`test_every_case_is_mapped` fails if a case of the spec has no test or a test named here does
not exist, so the table cannot rot."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

SPEC = Path("/work/shared/hostile-inputs.md")
F = "test_file_cases::test_file_case"  # the whole-batch test, parametrized by case id

CASES: dict[str, tuple[str, ...]] = {
    "H1": (F, "test_source_files::test_h1_h2_h3_hostile_names_convert_their_own_bytes",
           "test_source_files::test_h1_slug_of_a_hostile_name_without_title_stays_in_its_folder"),
    "H2": (F, "test_source_files::test_h1_h2_h3_hostile_names_convert_their_own_bytes"),
    "H3": (F, "test_source_files::test_h1_h2_h3_hostile_names_convert_their_own_bytes"),
    "H4": (F, "test_source_files::test_h4_symlink_is_refused", "test_source_files::test_h4_symlink_in_a_batch",
           "test_source_files::test_h4_fifo_and_folder_are_refused_without_blocking"),
    "H5": (F, "test_source_files::test_h5_empty_article", "test_source_files::test_h5_empty_in_a_batch_gives_no_pdf"),
    "H6": (F, "test_source_files::test_h6_size_cap_before_reading", "test_source_files::test_h6_huge_in_a_batch",
           "test_source_files::test_h6_cap_holds_for_files_that_lie_about_their_size"),
    "H7": (F, "test_source_files::test_h7_bad_compression_is_invalid_docx",
           "test_source_files::test_h7_unknown_compression_method"),
    "H8": (F, "test_source_files::test_h8_not_a_zip_is_a_clear_error", "test_source_files::test_h8_odt_and_docx_swapped"),
    "H9": (F, "test_source_files::test_h9_docx_bomb_rejected_before_pandoc",
           "test_source_files::test_h9_bomb_that_lies_about_its_size", "test_source_files::test_h9_many_entries",
           "test_source_files::test_h9_entity_bombs_and_xxe_inside_the_container"),
    "H10": (F, "test_source_files::test_h10_zip64_is_unsupported"),
    "H11": (F, "test_decode::test_h11_cp1252_with_a_warning"),
    "H12": (F, "test_decode::test_h12_short_latin1_is_cp1252_not_a_detector_guess"),
    "H13": (F, "test_decode::test_h13_garbage_is_a_decode_error_with_an_offset",
            "test_decode::test_h13_utf8_with_one_broken_byte_keeps_its_text"),
    "H14": (F, "test_decode::test_h14_bom_and_crlf"),
    "H15": (F, "test_decode::test_h15_utf16_and_32_with_bom", "test_decode::test_h15_utf16_without_bom_is_recognised"),
    "H16": (F, "test_decode::test_h16_controls_removed_also_when_written_as_entities"),
    "H17": (F, "test_decode::test_h17_lone_surrogates_never_reach_nlp", "test_decode::test_h17_spacy_accepts_the_cleaned_text"),
    "H18": (F, "test_convert::test_h18_local_paths_are_never_read",
            "test_source_files::test_h18_docx_relationships_to_local_files_and_urls_are_not_followed"),
    "H19": (F, "test_convert::test_h19_html_never_makes_pandoc_fetch"),
    "H20": (F, "test_convert::test_h20_formats_off_the_allow_list",
            "test_convert::test_h20_tex_and_includes_inside_markdown_stay_text"),
    "H21": (F, "test_convert::test_h21_data_uri_payload_writes_nothing"),
    "H22": (F, "test_convert::test_h22_raw_html_never_reaches_block_html"),
    "H23": (F, "test_convert::test_h23_links_only_http_https_mailto",
            "test_render::test_h23_h29_h31_sanitiser_drops_relative_and_script_urls"),
    "H24": (F, "test_convert::test_h24_raw_attribute_is_text"),
    "H25": (F, "test_convert::test_h25_h26_pathological_markdown_is_fast",
            "test_convert::test_h25_pandoc_timeout_is_an_article_error"),
    "H26": (F, "test_convert::test_h25_h26_pathological_markdown_is_fast"),
    "H27": (F, "test_convert::test_h27_memory_limit_is_an_article_error",
            "test_convert::test_h27_one_20mb_line_is_refused_by_size"),
    "H28": (F, "test_render::test_h28_h29_h31_fetcher_refuses_everything_else_in_the_folder",
            "test_render::test_h28_h30_the_fetcher_alone_stops_attachments_and_requests"),
    "H29": (F, "test_render::test_h28_h29_h31_fetcher_refuses_everything_else_in_the_folder",
            "test_render::test_h23_h29_h31_sanitiser_drops_relative_and_script_urls"),
    "H30": (F, "test_render::test_h30_h32_fetcher_refuses_other_schemes_hosts_and_devices",
            "test_render::test_h28_h30_the_fetcher_alone_stops_attachments_and_requests",
            "test_file_cases::test_no_network_request_from_any_stage"),
    "H31": (F, "test_render::test_h28_h29_h31_fetcher_refuses_everything_else_in_the_folder"),
    "H32": (F, "test_render::test_h30_h32_fetcher_refuses_other_schemes_hosts_and_devices",
            "test_render::test_h32_fetcher_refuses_oversized_resources"),
    "H33": (F, "test_render::test_h33_h34_h35_bad_images_and_styles_in_a_batch",
            "test_render::test_h33_expat_is_new_enough_for_amplification_limits"),
    "H34": (F, "test_render::test_h33_h34_h35_bad_images_and_styles_in_a_batch",
            "test_render::test_h34_pillow_refuses_decompression_bombs"),
    "H35": (F, "test_render::test_h33_h34_h35_bad_images_and_styles_in_a_batch"),
    "H36": (F,),
    "H37": ("test_nlp_write::test_h45_h37_runaway_nlp_and_render_hit_their_limits",),
    "H38": ("test_orchestration::test_h38_fatal_fetch_error_crash_and_bug_fail_only_their_article",
            "test_orchestration::test_h38_h50_flow_run_survives_a_fatal_error_without_retrying_it",
            "test_render::test_h38_fetcher_never_raises_a_base_exception"),
    "H39": ("test_templates::test_h39_html_templates_autoescape",
            "test_templates::test_h39_h40_newsletter_and_social_escape_and_never_evaluate"),
    "H40": ("test_templates::test_h39_h40_newsletter_and_social_escape_and_never_evaluate",
            "test_templates::test_h40_no_template_is_ever_built_from_a_string"),
    "H41": ("test_templates::test_h41_safe_markup_only_where_reviewed", "test_templates::test_h41_no_safe_filter_in_templates",
            "test_templates::test_h41_the_sanitised_html_is_what_reaches_block_html"),
    "H42": (F, "test_nlp_write::test_h42_empty_slugs_fall_back",
            "tests.test_store::test_h42_h44_publish_refuses_unsafe_folder_names"),
    "H43": ("test_nlp_write::test_h43_same_slug_in_one_batch_gives_two_outputs",
            "tests.test_store::test_h43_colliding_slugs_get_distinct_folders"),
    "H44": (F, "test_nlp_write::test_h44_long_titles_give_short_slugs"),
    "H45": ("test_nlp_write::test_h45_a_million_characters_are_chunked_under_spacy_limits",
            "test_nlp_write::test_h45_h37_runaway_nlp_and_render_hit_their_limits"),
    "H46": (F, "test_nlp_write::test_h46_giant_tokens_are_cut_before_nlp_with_a_warning",
            "test_nlp_write::test_h46_giant_tokens_in_a_batch"),
    "H47": (F, "test_decode::test_h47_zero_width_and_bidi_removed_for_nlp_and_single_lines",
            "test_decode::test_h47_joiners_that_carry_meaning_are_kept_in_the_body",
            "test_nlp_write::test_h47_ner_sees_names_split_by_invisible_characters"),
    "H48": ("tests.test_store::test_h48_atomic_write_on_a_full_disk_keeps_the_old_file",
            "tests.test_store::test_h48_publish_on_a_full_disk_keeps_the_previous_outputs",
            "tests.test_store::test_h48_a_full_disk_in_a_real_batch_is_an_article_error"),
    "H49": ("test_orchestration::test_h49_kill_9_mid_batch_then_rerun",
            "test_orchestration::test_hard_deadline_kills_only_the_runaway_worker"),
    "H50": ("test_orchestration::test_h38_h50_flow_run_survives_a_fatal_error_without_retrying_it",),
    "H51": ("test_ui::test_h51_prefect_server_refuses_requests_without_credentials",),
    "H52": ("test_ui::test_h52_only_indexed_files_are_served", "test_ui::test_h52_known_files_are_served_as_attachments",
            "test_ui::test_url_fuzz_serves_only_known_article_files"),
}  # fmt: skip


def _resolve(ref: str) -> object:
    module, _, func = ref.partition("::")
    name = module if module.startswith("tests.") else f"tests.hostile.{module}"
    return getattr(importlib.import_module(name), func)


def test_every_case_is_mapped() -> None:
    if not SPEC.exists():
        pytest.skip(f"{SPEC} is not on this machine")
    ids = re.findall(r"^\| (H\d+) \|", SPEC.read_text("utf-8"), re.M)
    assert len(ids) == 52 and set(ids) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES, key=lambda c: int(c[1:])))
def test_case_tests_exist(case: str) -> None:
    for ref in CASES[case]:
        assert callable(_resolve(ref)), ref
    if F in CASES[case]:
        from .inputs import FILE_CASES

        assert case in FILE_CASES
