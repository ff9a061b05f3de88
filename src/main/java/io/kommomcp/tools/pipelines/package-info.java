/**
 * Reading pipelines and their stages ({@code pipelines_list}); changing them is in tools.admin.
 */
package io.kommomcp.tools.pipelines;
